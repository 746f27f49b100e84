namespace Sourceless.Tools;

/// <summary>The record of one external tool call: stored next to every result it produced.</summary>
public sealed record Invocation(string Tool, string Version, string CommandLine, int ExitCode, double DurationMs);
