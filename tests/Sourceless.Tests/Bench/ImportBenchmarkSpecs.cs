using System.Text.Json;
using Sourceless.Bench;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Bench;

/// <summary><c>bench import</c> through the real CLI, clang, gcc, cross toolchains and sandbox: two
/// builds (here the same one twice) import the same file, each with an empty driver cache.</summary>
public sealed class ImportBenchmarkSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-bench-import");

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public async Task Against_a_baseline_it_prints_both_sides_the_ratio_and_that_the_suites_agree()
    {
        var ct = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(_tmp.Path);
        string source = Path.Combine(_tmp.Path, "small.c");
        await File.WriteAllTextAsync(source, "/* Sum of a and b, plus three. */\nint add_three(int a, int b)\n{\n    return a + b + 3;\n}\n", ct);

        var r = await Support.Cli.RunAsync(["bench", "import", source, "--baseline", Support.Cli.Dll, "--json", "-j", "2"], ct);

        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var sides = json.RootElement.GetProperty("sides").EnumerateArray().ToList();
        Assert.Equal(2, sides.Count);
        Assert.StartsWith("baseline: ", sides[0].GetProperty("way").GetString());
        Assert.All(sides, s => Assert.Equal(1, s.GetProperty("accepted").GetInt32()));
        Assert.All(sides, s => Assert.True(s.GetProperty("seconds").GetDouble() > 0));
        Assert.True(json.RootElement.GetProperty("ratio_this_vs_baseline").GetDouble() > 0);
        Assert.Empty(json.RootElement.GetProperty("suite_files_differ").EnumerateArray());
        Assert.Contains("[import]", r.Stderr); // progress of both imports
    }

    [Fact]
    public void Two_suites_differ_by_the_files_whose_bytes_differ_or_that_one_lacks_but_not_by_import_json()
    {
        string a = _tmp.Sub("a"), b = _tmp.Sub("b");
        foreach (var (dir, text) in new[] { (a, "one"), (b, "two") })
        {
            Directory.CreateDirectory(Path.Combine(dir, "same"));
            Directory.CreateDirectory(Path.Combine(dir, "changed"));
            File.WriteAllText(Path.Combine(dir, "same", "task.txt"), "unchanged");
            File.WriteAllText(Path.Combine(dir, "changed", "ref.c"), text);
            File.WriteAllText(Path.Combine(dir, "import.json"), text); // times and scratch paths differ in every import
        }
        File.WriteAllText(Path.Combine(b, "same", "extra.c"), "only in b");

        Assert.Equal([Path.Combine("changed", "ref.c"), Path.Combine("same", "extra.c")], ImportBenchmark.CompareSuites(a, b));
    }
}
