// A circuit the server no longer knows (it restarted, or the tab slept too long) cannot resume: reload the
// page so the person lands back on the same view with current data, instead of a dead screen.
document.getElementById("components-reconnect-modal")?.addEventListener("components-reconnect-state-changed", event => {
    if (event.detail?.state === "rejected") {
        location.reload();
    }
});
