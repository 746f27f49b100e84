using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sourceless.Tests.Support;

/// <summary>
/// A test double of an OpenAI-compatible endpoint, for the faults the real `sourceless serve`
/// never makes (a slow reply, 429 with Retry-After, a 500, malformed JSON, a reply with no code):
/// a plain TCP listener on loopback that answers each request with the next scripted response and
/// records what it was sent. The connection-refused case needs no server at all.
/// </summary>
public sealed class ScriptedEndpoint : IAsyncDisposable
{
    public sealed record Response(int Status, string Body, TimeSpan Delay = default, string? RetryAfter = null);

    public sealed record Received(string Head, string Body);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Queue<Response> _script;
    private readonly Func<Response>? _fallback;
    private readonly Func<Received, Response>? _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public List<Received> Requests { get; } = [];

    public ScriptedEndpoint(IEnumerable<Response> script, Func<Response>? fallback = null)
    {
        _script = new Queue<Response>(script);
        _fallback = fallback;
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>An endpoint that answers each request from what it was sent (a conversation's
    /// rounds, the examples in a prompt): the reply is a function of the request, so concurrent
    /// conversations get the same replies in any order.</summary>
    public ScriptedEndpoint(Func<Received, Response> respond) : this([])
    {
        _respond = respond;
    }

    /// <summary>The text of every message of a chat request, in order, with its role.</summary>
    public static IReadOnlyList<(string Role, string Text)> Messages(Received request) =>
        System.Text.Json.Nodes.JsonNode.Parse(request.Body)!["messages"]!.AsArray()
            .Select(m => (m!["role"]!.GetValue<string>(), m["content"] switch
            {
                System.Text.Json.Nodes.JsonValue v => v.GetValue<string>(),
                System.Text.Json.Nodes.JsonArray parts => string.Join("\n", parts.Select(p => p?["text"]?.GetValue<string>())),
                _ => "",
            })).ToList();

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1";

    /// <summary>A chat completion whose message content is <paramref name="content"/>.</summary>
    public static Response Chat(string content) => new(200, System.Text.Json.JsonSerializer.Serialize(new
    {
        id = "chatcmpl-test", @object = "chat.completion", created = 0, model = "scripted",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 11, completion_tokens = 7, total_tokens = 18 },
    }));

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        int headEnd;
        while ((headEnd = IndexOf(buffer, "\r\n\r\n"u8.ToArray())) < 0)
        {
            int n = await stream.ReadAsync(chunk);
            if (n == 0) return;
            buffer.AddRange(chunk.AsSpan(0, n).ToArray());
        }
        string head = Encoding.ASCII.GetString(buffer.ToArray(), 0, headEnd);
        int length = head.Split("\r\n").Where(l => l.StartsWith("content-length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l[(l.IndexOf(':') + 1)..].Trim())).FirstOrDefault();
        while (buffer.Count < headEnd + 4 + length)
        {
            int n = await stream.ReadAsync(chunk);
            if (n == 0) break;
            buffer.AddRange(chunk.AsSpan(0, n).ToArray());
        }
        string body = Encoding.UTF8.GetString(buffer.ToArray(), headEnd + 4, Math.Max(0, buffer.Count - headEnd - 4));
        Response response;
        lock (Requests)
        {
            var received = new Received(head, body);
            Requests.Add(received);
            response = _respond is not null ? _respond(received)
                : _script.Count > 0 ? _script.Dequeue() : _fallback?.Invoke() ?? new Response(500, "{\"error\":{\"message\":\"script exhausted\"}}");
        }
        if (response.Delay > TimeSpan.Zero)
        {
            try { await Task.Delay(response.Delay, _stop.Token); } catch (OperationCanceledException) { return; }
        }
        var bytes = Encoding.UTF8.GetBytes(response.Body);
        var sb = new StringBuilder($"HTTP/1.1 {response.Status} {(response.Status == 200 ? "OK" : "Scripted")}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n");
        if (response.RetryAfter is not null) sb.Append("Retry-After: ").Append(response.RetryAfter).Append("\r\n");
        sb.Append("\r\n");
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()));
            await stream.WriteAsync(bytes);
        }
        catch (IOException) { }
    }

    private static int IndexOf(List<byte> haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Count; i++)
        {
            int k = 0;
            while (k < needle.Length && haystack[i + k] == needle[k]) k++;
            if (k == needle.Length) return i;
        }
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _loop; } catch (Exception) { }
    }

    /// <summary>A loopback port with nothing listening (for "connection refused").</summary>
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
