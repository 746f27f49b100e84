using System.CommandLine;
using Sourceless.Cli;

namespace Sourceless;

public static class Program
{
    public static Task<int> Main(string[] args)
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
        return root.Parse(args).InvokeAsync();
    }
}
