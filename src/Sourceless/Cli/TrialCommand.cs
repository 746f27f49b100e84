using System.CommandLine;

namespace Sourceless.Cli;

public static class TrialCommand
{
    public static Command Create() => new("trial", "Run a trial (not yet wired).");
}
