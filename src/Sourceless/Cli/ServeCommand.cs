using System.CommandLine;
using Sourceless.Serving;

namespace Sourceless.Cli;

/// <summary><c>sourceless serve</c>: the built-in model as an OpenAI-compatible endpoint.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint to serve (default: the shipped models/neural/model.ckpt).", DefaultValueFactory = _ => NeuralCommand.DefaultCheckpoint };
        var host = new Option<string>("--host") { Description = "Address to bind. 127.0.0.1 by default: the endpoint has no authentication.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port", "-p") { Description = "Port (0: any free port; the URL is printed on stdout).", DefaultValueFactory = _ => 8080 };
        var model = new Option<string>("--model-name") { Description = "Model id reported by /v1/models.", DefaultValueFactory = _ => "sourceless-neural" };
        var maxBytes = new Option<long>("--max-request-bytes") { Description = "Largest request body accepted (413 above it).", DefaultValueFactory = _ => 256 * 1024 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once (429 with Retry-After above it).", DefaultValueFactory = _ => 2 };
        var cmd = new Command("serve",
            "Serve the built-in neural compiler over the OpenAI-compatible API (/v1/models, /v1/chat/completions, streaming), so 'llm:URL' contenders and any OpenAI client can use it. " +
            "Prints the base URL on stdout when ready; stops on Ctrl+C or SIGTERM.");
        foreach (var o in new Option[] { checkpoint, host, port, model, maxBytes, concurrency }) cmd.Options.Add(o);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            if (!System.Net.IPAddress.TryParse(pr.GetValue(host), out _)) throw new UserError($"--host: '{pr.GetValue(host)}' is not an IP address");
            if (pr.GetValue(port) is < 0 or > 65535) throw new UserError("--port must be 0..65535");
            if (pr.GetValue(concurrency) < 1) throw new UserError("--concurrency must be at least 1");
            if (pr.GetValue(maxBytes) < 1024) throw new UserError("--max-request-bytes must be at least 1024");
            await using var server = new ChatServer(new ServeOptions(pr.GetValue(checkpoint)!, pr.GetValue(host)!, pr.GetValue(port), pr.GetValue(model)!,
                pr.GetValue(maxBytes), pr.GetValue(concurrency)));
            try { await server.StartAsync(ct); }
            catch (IOException e) { throw new UserError($"cannot listen on {pr.GetValue(host)}:{pr.GetValue(port)}: {e.Message}"); }
            Console.WriteLine(server.BaseUrl);
            Console.Out.Flush();
            Console.Error.WriteLine($"serve: {pr.GetValue(checkpoint)} at {server.BaseUrl} (Ctrl+C stops)");
            try { await Task.Delay(Timeout.Infinite, ct); } catch (OperationCanceledException) { }
            return 0;
        }));
        return cmd;
    }
}
