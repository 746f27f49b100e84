using Sourceless.Harness;
using Sourceless.Tasks;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Tasks;

[Trait(Quick.Trait, Quick.Value)]
public sealed class TaskFormatSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-taskfmt");

    public void Dispose() => _tmp.Dispose();

    private string CopyTask(string name)
    {
        return Folders.CopyTask(name, _tmp.Sub(name));
    }

    [Fact]
    public void Signatures_parse_into_scalar_struct_and_pointer_parameters()
    {
        var structs = Signature.ParseStructs("struct point { int x; int y; };");
        var sig = Signature.Parse("void bbox(const struct point *pts, int n, struct point *out)", structs);
        Assert.Equal(["pts", "n", "out"], sig.Parameters.Select(p => p.Name));
        Assert.Equal(["out"], sig.MutableParameters.Select(p => p.Name));
        Assert.Equal("typedef void (*f)(const struct point *, int, struct point *);", sig.PointerTypedef("f"));
        Assert.Throws<FormatException>(() => Signature.Parse("int f(float x)", structs));
        Assert.Throws<FormatException>(() => Signature.Parse("int f(int **x)", structs));
    }

    [Fact]
    public void A_test_with_the_wrong_number_of_arguments_is_reported_with_file_and_line()
    {
        string dir = CopyTask("add_sat");
        var lines = File.ReadAllLines(Path.Combine(dir, "task.txt")).ToList();
        int at = lines.IndexOf("tests:") + 2;
        lines[at] = "  1, 2, 3 => 6";
        File.WriteAllLines(Path.Combine(dir, "task.txt"), lines);
        var e = Assert.Throws<TaskFormatException>(() => TaskFile.Load(dir));
        Assert.Contains($"task.txt:{at + 1}:", e.Message);
        Assert.Contains("takes 2 arguments", e.Message);
    }

    [Fact]
    public void Unknown_keys_and_missing_sources_are_errors()
    {
        string dir = CopyTask("max3");
        File.AppendAllText(Path.Combine(dir, "task.txt"), "colour: blue\n");
        Assert.Contains("unknown key 'colour'", Assert.Throws<TaskFormatException>(() => TaskFile.Load(dir)).Message);
        string dir2 = CopyTask("sign3");
        File.Delete(Path.Combine(dir2, "v2.c"));
        Assert.Contains("missing v2.c", Assert.Throws<TaskFormatException>(() => TaskFile.Load(dir2)).Message);
    }

    [Fact]
    public void The_built_in_suite_has_the_spread_the_trial_needs()
    {
        var tasks = TaskSuite.Load(SourcelessHome.TasksDir).Tasks;
        Assert.True(tasks.Count >= 40, $"{tasks.Count} tasks");
        Assert.True(tasks.Count(t => t.UsesLibDep) >= 5);
        var vulnerable = tasks.Where(t => t.Vulnerability is not null).ToList();
        Assert.True(vulnerable.Count >= 5);
        Assert.Superset(new HashSet<string> { "stack-buffer-overflow", "off-by-one", "format-string", "integer-overflow", "use-after-free" },
            vulnerable.Select(t => t.Vulnerability!).ToHashSet());
        Assert.All(vulnerable, t => Assert.NotEmpty(t.Exploits));
        Assert.Superset(new HashSet<string> { "bits", "arith", "arrays", "strings", "structs", "recursion", "libdep", "vuln" },
            tasks.Select(t => t.Category).ToHashSet());
        Assert.All(tasks, t => Assert.True(t.V2 is { HandTests.Count: > 0 } && t.V1.HandTests.Count > 0)); // every built-in task has a change request
    }

    [Fact]
    public void A_count_selects_tasks_spread_over_categories()
    {
        var suite = TaskSuite.Load(SourcelessHome.TasksDir);
        var picked = suite.Select("8");
        Assert.Equal(8, picked.Count);
        Assert.Equal(8, picked.Select(t => t.Category).Distinct().Count());
        Assert.Throws<UserError>(() => suite.Select("no_such_task"));
    }
}
