namespace Sourceless.Tools;

/// <summary>
/// A trusted tool failed (a compiler on our own driver, objdump, csmith, bwrap starting the
/// persistent runner): not the user's input and not a bug of Sourceless. The CLI prints which
/// tool, its command line and the tail of its stderr, and exits with code 3
/// (docs/architecture.md, "Errors"). Never used for a contender's artifact: its failures are
/// outcomes, stored as rows.
/// </summary>
public sealed class ToolFailedException(string what, string tool, string commandLine, string stderr)
    : Exception($"{what}: {tool} failed")
{
    public string What { get; } = what;
    public string Tool { get; } = tool;
    public string CommandLine { get; } = commandLine;
    public string StderrTail { get; } = Tail(stderr);

    public ToolFailedException(string what, ToolResult result)
        : this(what, result.Invocation.Tool, result.Invocation.CommandLine, result.StandardError.Length > 0 ? result.StandardError : result.StandardOutput)
    {
    }

    private static string Tail(string text)
    {
        var lines = text.TrimEnd().Split('\n');
        string tail = string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 12)));
        return tail.Length <= 2000 ? tail : tail[^2000..];
    }
}
