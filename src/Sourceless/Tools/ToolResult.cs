namespace Sourceless.Tools;

public sealed record ToolResult(Invocation Invocation, string StandardOutput, string StandardError)
{
    public bool Succeeded => Invocation.ExitCode == 0;
    public int ExitCode => Invocation.ExitCode;

    /// <summary>The first lines of stderr, for a one-line error message.</summary>
    public string ErrorSummary(int maxChars = 600)
    {
        string text = StandardError.Trim();
        if (text.Length == 0) text = StandardOutput.Trim();
        return text.Length <= maxChars ? text : text[..maxChars] + " ...";
    }
}
