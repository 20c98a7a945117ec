using System.Text;
using ClawGroups.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ClawGroups.Web.Tests.Api;

/// <summary>A request's body read once, into memory of its own size, for every reader after it.</summary>
public sealed class BufferedBodyTests
{
    [Fact]
    public async Task A_body_is_read_from_the_client_once_and_every_later_reader_gets_it_from_the_start()
    {
        const string sent = """{"fraction":0.5,"message":"half-way"}""";
        var client = new OneWayStream(Encoding.UTF8.GetBytes(sent));
        var request = Request(client, sent.Length);

        var first = await BufferedBody.ReadAsync(request);
        using (var handler = new StreamReader(request.Body, leaveOpen: true))
        {
            Assert.Equal(sent, await handler.ReadToEndAsync());
        }

        var again = await BufferedBody.ReadAsync(request);

        Assert.Equal(sent, Encoding.UTF8.GetString(first.Span));
        Assert.Equal(sent, Encoding.UTF8.GetString(again.Span));
        Assert.Equal(0, request.Body.Position);
        Assert.Equal(0, client.ReadsPastTheEnd);
    }

    [Fact]
    public async Task A_body_without_a_length_is_read_to_its_end()
    {
        var sent = Encoding.UTF8.GetBytes(new string('x', 100_000));
        var request = Request(new OneWayStream(sent), contentLength: null);

        var read = await BufferedBody.ReadAsync(request);

        Assert.Equal(sent, read.ToArray());
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_before_anything_is_read()
    {
        var client = new OneWayStream(new byte[16]);
        var request = Request(client, contentLength: 2_000_000_000);
        request.HttpContext.Features.Set<IHttpMaxRequestBodySizeFeature>(new Limit(1_048_576));

        var refused = await Assert.ThrowsAsync<BadHttpRequestException>(async () => await BufferedBody.ReadAsync(request));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, refused.StatusCode);
        Assert.Equal(0, client.Reads);
    }

    [Fact]
    public async Task A_request_without_a_body_keeps_its_stream_and_reads_nothing()
    {
        var client = new OneWayStream([]);
        var request = Request(client, contentLength: 0);

        var read = await BufferedBody.ReadAsync(request);

        Assert.True(read.IsEmpty);
        Assert.Same(client, request.Body);
        Assert.Equal(0, client.Reads);
    }

    private static HttpRequest Request(Stream body, long? contentLength)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Body = body;
        http.Request.ContentLength = contentLength;
        return http.Request;
    }

    private sealed class Limit(long bytes) : IHttpMaxRequestBodySizeFeature
    {
        public bool IsReadOnly => false;

        public long? MaxRequestBodySize { get; set; } = bytes;
    }

    /// <summary>A client's body as the server sees it: read forward only, once.</summary>
    private sealed class OneWayStream(byte[] bytes) : Stream
    {
        private int _position;

        public int Reads { get; private set; }

        /// <summary>Reads asked of a body already read to its end: a reader that went back to the client for it again.</summary>
        public int ReadsPastTheEnd { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads++;
            ReadsPastTheEnd += _position == bytes.Length && count > 0 ? 1 : 0;
            var length = Math.Min(count, bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, length);
            _position += length;
            return length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
