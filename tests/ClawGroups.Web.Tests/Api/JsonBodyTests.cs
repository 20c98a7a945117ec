using System.Text;
using ClawGroups.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClawGroups.Web.Tests.Api;

/// <summary>When a request has a body to read, as the server tells it.</summary>
public sealed class JsonBodyTests
{
    private sealed record Report(double Fraction);

    [Fact]
    public async Task A_body_sent_without_a_length_on_HTTP2_is_read()
    {
        // HTTP/2 has no chunks: a client streaming its JSON sends neither a length nor Transfer-Encoding.
        var request = Request("""{"fraction":0.5}""", contentLength: null, canHaveBody: true);

        var (report, problem) = await JsonBody.ReadAsync<Report>(request);

        Assert.Null(problem);
        Assert.Equal(0.5, report!.Fraction);
    }

    [Theory]
    [InlineData(0L, true)]
    [InlineData(null, false)]
    public async Task A_request_that_carries_no_body_is_told_one_is_needed(long? contentLength, bool canHaveBody)
    {
        var request = Request("", contentLength, canHaveBody);

        var (_, problem) = await JsonBody.ReadAsync<Report>(request);

        Assert.Equal(StatusCodes.Status400BadRequest, problem!.StatusCode);
        Assert.Equal("Body required", problem.ProblemDetails.Title);
    }

    private static HttpRequest Request(string json, long? contentLength, bool canHaveBody)
    {
        var http = new DefaultHttpContext();
        http.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(canHaveBody));
        http.Request.Method = "POST";
        http.Request.ContentType = "application/json";
        http.Request.ContentLength = contentLength;
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return http.Request;
    }

    private sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => canHaveBody;
    }
}
