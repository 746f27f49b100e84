using System.CommandLine;
using System.CommandLine.Invocation;
using Sourceless.Cli;

namespace Sourceless;

public static class Program
{
    public static Task<int> Main(string[] args)
    {
        var parsed = CreateRoot().Parse(args);
        // A command line that does not parse (unknown option, a value of the wrong type, a missing
        // argument) is bad input like any other: one line in the user's words, exit code 2. The
        // library's own action would print a .NET type name and the help text, and exit 1.
        if (parsed.Action is ParseErrorAction)
        {
            Console.Error.WriteLine("error: " + ParseErrors.Describe(parsed));
            return Task.FromResult(CliAction.UserErrorExit);
        }
        return parsed.InvokeAsync();
    }

    /// <summary>Every command of the CLI under one root.</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand(
            "Sourceless: puts 'AI writes the compiled binary directly, no source code' on trial against real compilers.\n" +
            "Each of the essay's concerns is a measured experiment; 'sourceless trial' runs them and writes the report.");
        root.Subcommands.Add(TrialCommand.Create());
        root.Subcommands.Add(TasksCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(RerunCommand.Create());
        root.Subcommands.Add(QueryCommand.Create());
        root.Subcommands.Add(CorpusCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(NeuralCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(MakeCommand.Create());
        return root;
    }
}
