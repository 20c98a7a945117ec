// Remembers the workspace's light or dark theme in a cookie (ThemeCookie.cs reads it): the server renders every page in
// the chosen theme, so a reload never flashes the other one first.
window.clawTheme = {
    remember(dark) {
        document.cookie = `claw-theme=${dark ? 'dark' : 'light'}; path=/; max-age=31536000; samesite=lax`;
    },
};

// Statically rendered pages (sign-in, sign-up) have no circuit to switch the theme live: remember the choice and reload.
document.addEventListener('click', event => {
    const toggle = event.target.closest('[data-theme-switch-to]');
    if (toggle) {
        window.clawTheme.remember(toggle.dataset.themeSwitchTo === 'dark');
        location.reload();
    }
});
