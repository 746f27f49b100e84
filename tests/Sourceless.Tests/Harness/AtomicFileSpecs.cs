using Sourceless.Experiments;
using Sourceless.Harness;
using Sourceless.Targets;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Harness;

/// <summary>Content-addressed files written by many workers at once, as a trial's workers write
/// the linked ELF of artifacts that came out the same (real threads, real files).</summary>
public sealed class AtomicFileSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-atomic");

    public void Dispose() => _tmp.Dispose();

    /// <summary>Runs the writers on threads of their own, released together by a barrier.</summary>
    private static async Task AllAtOnceAsync(int writers, Action write, CancellationToken ct)
    {
        using var start = new Barrier(writers);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Factory.StartNew(() => { start.SignalAndWait(ct); write(); },
            ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Many_workers_storing_the_same_debug_image_at_once_all_get_the_whole_file()
    {
        var workspace = new Workspace(_tmp.Sub("work"));
        var elf = new byte[1 << 20];
        new Random(7).NextBytes(elf);
        var artifact = new StoredArtifact("t/v1/clang/x86_64/clang/-O2/g0", "t", "v1", "clang", Target.Parse("x86_64/clang/-O2"), [0xc3], null, null, elf, []);
        for (int round = 0; round < 5; round++)
        {
            foreach (var f in Directory.GetFiles(workspace.Dir("elf"))) File.Delete(f);
            var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var paths = new System.Collections.Concurrent.ConcurrentBag<string>();
            await AllAtOnceAsync(16, () =>
            {
                try { paths.Add(artifact.DebugImagePath(workspace)!); }
                catch (Exception e) { errors.Add(e); }
            }, TestContext.Current.CancellationToken);
            Assert.Empty(errors);
            string path = Assert.Single(paths.Distinct());
            Assert.Equal(elf, File.ReadAllBytes(path));
            // Nothing is left behind: every writer's temporary file was renamed onto the one path.
            Assert.Equal([path], Directory.GetFiles(workspace.Dir("elf")));
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Racing_writers_of_one_path_leave_one_whole_file_and_no_temporary_files()
    {
        string path = _tmp.Sub("entry.json");
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var content = new byte[256 * 1024];
        new Random(3).NextBytes(content);
        await AllAtOnceAsync(32, () =>
        {
            try { AtomicFile.WriteBytes(path, content); }
            catch (Exception e) { errors.Add(e); }
        }, TestContext.Current.CancellationToken);
        Assert.Empty(errors);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_tmp.Path));
        Assert.NotEqual(AtomicFile.TempPath(path), AtomicFile.TempPath(path));
        Assert.StartsWith(".", Path.GetFileName(AtomicFile.TempPath(path)));
    }
}
