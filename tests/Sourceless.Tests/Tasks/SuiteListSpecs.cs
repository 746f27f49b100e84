using Sourceless.Harness;
using Sourceless.Tasks;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Tasks;

[Trait(Quick.Trait, Quick.Value)]
public sealed class SuiteListSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-suites");

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void Several_suites_load_as_one_with_a_label_per_task()
    {
        Folders.CopyTask("add_sat", Path.Combine(_tmp.Sub("mine"), "add_sat"));
        var (suite, parts, labelOf) = TaskSuite.LoadMany(_tmp.Sub("mine"), SourcelessHome.TasksDir);
        Assert.Single(suite.Tasks);
        Assert.Equal("mine", parts[0].Label);
        Assert.Equal("mine", labelOf["add_sat"]);
    }

    [Fact]
    public void A_task_name_in_two_suites_is_refused_naming_both()
    {
        Folders.CopyTask("add_sat", Path.Combine(_tmp.Sub("mine"), "add_sat"));
        var e = Assert.Throws<UserError>(() => TaskSuite.LoadMany($"builtin,{_tmp.Sub("mine")}", SourcelessHome.TasksDir));
        Assert.Contains("'add_sat' is in both builtin and mine", e.Message);
    }

    [Fact]
    public void Tasks_and_builtin_both_name_the_built_in_suite()
    {
        Assert.True(TaskSuite.IsBuiltInName("tasks"));
        Assert.True(TaskSuite.IsBuiltInName("builtin"));
        var (suite, parts, _) = TaskSuite.LoadMany("tasks", SourcelessHome.TasksDir);
        Assert.Equal("builtin", parts[0].Label);
        Assert.Equal(TaskSuite.Load(SourcelessHome.TasksDir).Tasks.Count, suite.Tasks.Count);
    }

    [Fact]
    public void An_imported_task_needs_no_change_request()
    {
        string dir = _tmp.Sub("imp");
        Directory.CreateDirectory(Path.Combine(dir, "twice"));
        File.WriteAllText(Path.Combine(dir, "twice", "task.txt"), """
            name: twice
            category: arith
            summary: twice from x.c (imported)
            origin: x.c:1
            spec-from: generated
            signature: int twice(int x)
            spec:
              Doubles x.
            tests:
              2 => 4
            random: 0 x=int(-9,9)
            """.Replace("            ", ""));
        File.WriteAllText(Path.Combine(dir, "twice", "ref.c"), "#include \"task.h\"\nint twice(int x) { return 2 * x; }\n");
        var t = TaskFile.Load(Path.Combine(dir, "twice"));
        Assert.Null(t.V2);
        Assert.Equal("x.c:1", t.Origin);
        Assert.Equal("generated", t.SpecFrom);
        Assert.Throws<InvalidOperationException>(() => t.Version("v2"));
    }
}
