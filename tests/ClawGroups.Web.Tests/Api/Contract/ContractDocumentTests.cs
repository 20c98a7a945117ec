namespace ClawGroups.Web.Tests.Api.Contract;

public sealed class ContractDocumentTests
{
    [Fact]
    public void An_endpoint_is_a_method_and_a_path_in_backticks_read_without_its_query()
    {
        var markdown = "- `GET /api/v1/groups/{groupId}/work-items?state=...` → list, see `state`";

        var endpoints = ContractDocument.Endpoints(markdown);

        var endpoint = Assert.Single(endpoints);
        Assert.Equal("GET /api/v1/groups/{}/work-items", endpoint.Key);
        Assert.True(endpoint.Built);
    }

    [Fact]
    public void A_bare_path_after_and_or_or_is_a_sibling_of_the_endpoint_before_it()
    {
        var markdown = """
            - `POST /api/v1/work-items/{id}/pause` and `/resume` → 200
            - `POST /api/v1/work-items/{id}/plan/approve` or `/plan/reject { "feedback" }`
            """;

        var keys = ContractDocument.Endpoints(markdown).Select(e => e.Key);

        Assert.Equal(
            ["POST /api/v1/work-items/{}/pause", "POST /api/v1/work-items/{}/resume",
             "POST /api/v1/work-items/{}/plan/approve", "POST /api/v1/work-items/{}/plan/reject"],
            keys);
    }

    [Fact]
    public void An_endpoint_whose_line_says_not_served_yet_is_not_built()
    {
        var markdown = """
            - `POST /api/v1/agents/{agentId}/heartbeat` → 200
            - `POST /api/v1/agents/{agentId}/signoff` → 200 (**not served yet** — issue 12)
            """;

        var endpoints = ContractDocument.Endpoints(markdown);

        Assert.Equal([true, false], endpoints.Select(e => e.Built));
    }

    [Fact]
    public void Every_endpoint_of_a_section_marked_not_served_yet_is_not_built_up_to_the_next_heading()
    {
        var markdown = """
            ## Budgets
            > **Not served yet** — issue 15.
            `PATCH /api/v1/groups/{groupId}` with budgets; `GET /api/v1/groups/{groupId}/usage` reports spend.

            ## Additions
            - `GET /api/v1/groups/{groupId}/usage` — tokens and cost.
            """;

        var endpoints = ContractDocument.Endpoints(markdown);

        Assert.Equal([false, false, true], endpoints.Select(e => e.Built));
    }
}
