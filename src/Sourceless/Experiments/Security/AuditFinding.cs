namespace Sourceless.Experiments.Security;

/// <summary>What one audit tool said about one artifact: whether it ran (or why not), whether it
/// flagged anything, the first findings, and the command that produced them.</summary>
public sealed record AuditFinding(string Tool, string Status, bool Flagged, string Findings, string CommandLine)
{
    /// <summary>The status of a tool that failed (crashed, timed out, could not build): the audit
    /// of that artifact is incomplete, which is the tool's fault, not the contender's.</summary>
    public const string ToolError = "tool_error";

    public static AuditFinding NotApplicable(string tool, string why) => new(tool, "not_applicable", false, why, "");
}
