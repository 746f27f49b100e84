using System.Text.Json;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Trials;

/// <summary>Where a run may live: any folder a user or a script would pick.</summary>
public sealed class RunFolderSpecs
{
    // No timeout attribute: the CLI bounds every tool and sandbox run of this small trial.
    [Fact]
    public async Task A_trial_runs_in_a_mode_700_folder_made_like_mktemp_d()
    {
        var ct = TestContext.Current.CancellationToken;
        var parent = Directory.CreateTempSubdirectory("sl-mktemp-"); // mode 700, as mktemp -d makes
        try
        {
            Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(parent.FullName));
            string run = Path.Combine(parent.FullName, "run");
            var r = await Support.Cli.RunAsync(["trial", "--tasks", "add_sat", "--contenders", "gcc", "--targets", "x86_64/gcc/-O2",
                "--generations", "1", "--out", run, "--json"], ct);
            Assert.True(r.ExitCode == 0, r.Stderr);
            using var doc = JsonDocument.Parse(r.Stdout);
            double reliability = doc.RootElement.GetProperty("scores").EnumerateArray()
                .Single(s => s.GetProperty("experiment").GetString() == "reliability").GetProperty("score").GetDouble();
            Assert.Equal(100, reliability); // the sandbox reached the driver and the image under the 700 folder
        }
        finally
        {
            parent.Delete(recursive: true);
        }
    }
}
