namespace Sourceless.Sandbox;

/// <summary>What happened to one sandboxed process, before any interpretation of its output.</summary>
public sealed record SandboxResult(
    int ExitCode,
    string StandardOutput,
    string StandardError,
    bool TimedOut,
    bool OutputCapped,
    double WallMs,
    string CommandLine);
