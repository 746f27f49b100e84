using Sourceless.Harness;
using Sourceless.Tasks;

namespace Sourceless.Cli;

/// <summary>Wraps a command's body so bad input ends as one clear line on stderr and exit code 2
/// (3 for a broken task), never as a stack trace.</summary>
public static class CliAction
{
    public const int UserErrorExit = 2;
    public const int BrokenTaskExit = 3;

    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (UserError e)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return UserErrorExit;
        }
        catch (TaskFormatException e)
        {
            await Console.Error.WriteLineAsync("error: malformed task: " + e.Message);
            return UserErrorExit;
        }
        catch (TaskBrokenException e)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return BrokenTaskExit;
        }
        catch (InvalidOperationException e)
        {
            // A failure of a trusted tool (a driver or libdep that does not build): say what failed.
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return 1;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("interrupted: everything finished so far is stored");
            return 130;
        }
    }
}
