using Sourceless.Harness;
using Sourceless.Tasks;
using Sourceless.Tools;
using Sourceless.Trials;

namespace Sourceless.Cli;

/// <summary>
/// Wraps a command's body so that every failure ends as one of three kinds (README, "Errors"):
/// the user's (bad input: one line, exit 2), a tool's (which tool, its command line and the tail
/// of its stderr: exit 3), or Sourceless's own (a bug: the stack trace and the run folder, and a
/// request to report it: exit 1). Ctrl+C is 130, with everything finished so far stored.
/// </summary>
public static class CliAction
{
    public const int UserErrorExit = 2;
    public const int ToolErrorExit = 3;
    public const int InternalErrorExit = 1;

    /// <param name="stderr">Where the message goes (Console.Error unless a test reads it).</param>
    public static async Task<int> RunAsync(Func<Task<int>> body, TextWriter? stderr = null)
    {
        var err = stderr ?? Console.Error;
        try
        {
            return await body();
        }
        catch (UserError e)
        {
            await err.WriteLineAsync("error: " + e.Message);
            return UserErrorExit;
        }
        catch (TaskFormatException e)
        {
            await err.WriteLineAsync("error: malformed task: " + e.Message);
            return UserErrorExit;
        }
        catch (TaskBrokenException e)
        {
            // The task's own reference disagrees with its tests: the user's input.
            await err.WriteLineAsync("error: " + e.Message);
            return UserErrorExit;
        }
        catch (ToolFailedException e)
        {
            await err.WriteLineAsync($"error: {e.Message}\n  command: {e.CommandLine}\n  its output (last lines):\n    " +
                e.StderrTail.Replace("\n", "\n    ", StringComparison.Ordinal));
            return ToolErrorExit;
        }
        catch (OperationCanceledException)
        {
            await err.WriteLineAsync("interrupted: everything finished so far is stored");
            return 130;
        }
        catch (Exception e)
        {
            // Anything else is a bug here, not the user's input or a tool: give all there is.
            await err.WriteLineAsync("internal error: Sourceless itself failed; please report it with this output" +
                (RunFolder.Current is { } run ? $" (run folder: {run}; what is stored there is kept, --resume continues it)" : "") + "\n" + e);
            return InternalErrorExit;
        }
    }
}
