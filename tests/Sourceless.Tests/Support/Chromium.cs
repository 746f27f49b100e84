using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sourceless.Tests.Support;

/// <summary>
/// Debian's headless Chromium driven over the DevTools protocol (a WebSocket on loopback): enough
/// to load a page, collect console errors and exceptions, evaluate script and take a screenshot.
/// </summary>
public sealed partial class Chromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ClientWebSocket _ws = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _profile;
    private int _nextId;
    private Task _receiver = Task.CompletedTask;

    public ConcurrentQueue<JsonElement> Events { get; } = new();

    private Chromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static async Task<Chromium> StartAsync(CancellationToken ct)
    {
        string profile = Path.Combine("/var/tmp", "sl-chromium-" + Guid.NewGuid().ToString("N")[..8]);
        var psi = new ProcessStartInfo("chromium") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        // Flags from this machine's notes: as root Chromium needs --no-sandbox; the network flags
        // stop it from calling home on a machine with no network.
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--remote-debugging-port=0", $"--user-data-dir={profile}", "about:blank" })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        var chromium = new Chromium(process, profile);
        string? wsUrl = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (wsUrl is null)
        {
            var line = await process.StandardError.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("chromium exited before DevTools started");
            var m = DevToolsLine().Match(line);
            if (m.Success) wsUrl = m.Groups[1].Value;
        }
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var port = new Uri(wsUrl).Port;
        using var http = new HttpClient();
        var targets = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/json/list"), ct)).RootElement;
        var page = targets.EnumerateArray().First(t => t.GetProperty("type").GetString() == "page").GetProperty("webSocketDebuggerUrl").GetString()!;
        await chromium._ws.ConnectAsync(new Uri(page), ct);
        chromium._receiver = chromium.ReceiveLoopAsync();
        return chromium;
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsLine();

    public async Task<JsonElement> SendAsync(string method, object? parameters, CancellationToken ct)
    {
        int id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
        await _ws.SendAsync(bytes, WebSocketMessageType.Text, true, ct);
        using var reg = ct.Register(() => tcs.TrySetCanceled());
        var response = await tcs.Task;
        if (response.TryGetProperty("error", out var error)) throw new InvalidOperationException($"{method}: {error}");
        return response.GetProperty("result");
    }

    public async Task WaitForEventAsync(string method, CancellationToken ct)
    {
        while (!Events.Any(e => e.GetProperty("method").GetString() == method)) await Task.Delay(50, ct);
    }

    public async Task<string> EvaluateAsync(string expression, CancellationToken ct)
    {
        var r = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true }, ct);
        return r.GetProperty("result").GetProperty("value").ToString();
    }

    /// <summary>Console errors, uncaught exceptions and log errors seen so far.</summary>
    public IReadOnlyList<string> Errors() => Events.Where(e =>
    {
        string m = e.GetProperty("method").GetString()!;
        var p = e.GetProperty("params");
        return m == "Runtime.exceptionThrown"
            || (m == "Runtime.consoleAPICalled" && p.GetProperty("type").GetString() is "error" or "assert")
            || (m == "Log.entryAdded" && p.GetProperty("entry").GetProperty("level").GetString() == "error")
            || m == "Page.javascriptDialogOpening";
    }).Select(e => e.GetRawText()).ToList();

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (_ws.State == WebSocketState.Open && !_stop.IsCancellationRequested)
            {
                var r = await _ws.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var root = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
                message.SetLength(0);
                if (root.TryGetProperty("id", out var id) && _pending.TryRemove(id.GetInt32(), out var tcs)) tcs.TrySetResult(root);
                else if (root.TryGetProperty("method", out _)) Events.Enqueue(root);
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _process.WaitForExitAsync();
        try { await _receiver; } catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        _ws.Dispose();
        _process.Dispose();
        _stop.Dispose();
        try { Directory.Delete(_profile, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static string Base64Png(JsonElement screenshot) => screenshot.GetProperty("data").GetString()!;

    public static byte[] Png(JsonElement screenshot) => Convert.FromBase64String(Base64Png(screenshot));

    public static string Url(string path) => new Uri(path).AbsoluteUri;

    public static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);
}
