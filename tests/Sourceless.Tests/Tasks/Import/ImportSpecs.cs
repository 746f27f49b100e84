using System.Text.Json;
using Sourceless.Tasks;
using Sourceless.Tasks.Import;
using Sourceless.Tests.Support;

namespace Sourceless.Tests.Tasks.Import;

/// <summary>One import of the fixtures (small C files written for these tests, and an
/// ExeBench-format JSONL written from the documented schema), through the real clang, gcc,
/// sanitizers, cross toolchains and sandbox; the specs read what it left.</summary>
public sealed class ImportedFixtures : IAsyncLifetime
{
    public TempFolder Tmp { get; } = new("sl-import");
    public string Suite => Tmp.Sub("suite");
    public ImportReport Report { get; private set; } = null!;
    public static string Fixtures => Path.Combine(Repo.Root, "tests", "Sourceless.Tests", "Tasks", "Import", "fixtures");

    public async ValueTask InitializeAsync()
    {
        var options = new ImportOptions
        {
            Sources = [Path.Combine(Fixtures, "c"), Path.Combine(Fixtures, "exebench.jsonl")],
            Out = Suite, Work = Tmp.Sub("work"), Jobs = 2,
        };
        Report = await new SuiteImporter(options).RunAsync(CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        Tmp.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class ImportSpecs(ImportedFixtures f) : IClassFixture<ImportedFixtures>
{
    private Rejection RejectionOf(string function) => Assert.Single(f.Report.Rejections, r => r.Function == function);

    private TaskDefinition Task(string name) => TaskFile.Load(Path.Combine(f.Suite, name));

    [Fact]
    public void A_function_with_a_static_helper_and_a_struct_stands_alone()
    {
        var t = Task("manhattan");
        Assert.Equal("int manhattan(struct point p)", t.Signature.Declaration);
        Assert.Contains("struct point", t.Types);
        string refC = File.ReadAllText(t.V1.ReferencePath);
        Assert.Contains("static int scaled(int v)", refC);
        Assert.Contains("#define SCALE 3", refC);
        Assert.DoesNotContain("struct point {", refC); // task.h has it
        Assert.Equal("comment", t.SpecFrom);
        Assert.Contains("Manhattan length", t.V1.Spec);
        Assert.True(t.IsImported);
        Assert.Null(t.V2);
        Assert.True(t.V1.HandTests.Count >= 10);
    }

    [Fact]
    public void A_file_without_includes_is_parsed_with_the_standard_headers_and_its_ref_c_includes_them()
    {
        // strlen, isupper, bool and size_t undeclared: a plain parse sees implicit declarations
        // (calls into "another file"); the prelude makes them libc's.
        var t = Task("count_capitals");
        string refC = File.ReadAllText(t.V1.ReferencePath);
        Assert.Contains("#include <string.h>", refC);
        Assert.Contains("#include <stdbool.h>", refC);
        Assert.True(t.V1.HandTests.Count >= 10);
        Assert.DoesNotContain(f.Report.Rejections, r => r.Function == "count_capitals");
    }

    [Fact]
    public void Imported_code_is_built_in_the_sandbox_so_incbin_of_a_host_file_finds_nothing()
    {
        // sneaky() assembles /etc/hostname into its data; on the host the build would succeed and
        // its outputs would carry the file's bytes into task.txt. In the sandbox the file is not there.
        var r = RejectionOf("sneaky");
        Assert.Equal(Reasons.DoesNotCompileAlone, r.Reason);
        Assert.Contains("file not found: /etc/hostname", r.Detail);
        Assert.False(Directory.Exists(Path.Combine(f.Suite, "sneaky")));
    }

    [Fact]
    public void A_second_function_of_a_taken_name_is_renamed_after_its_file_and_kept()
    {
        var t = Task("count_capitals_zz_again");
        Assert.Equal("int count_capitals_zz_again(const char *s)", t.Signature.Declaration);
        string refC = File.ReadAllText(t.V1.ReferencePath);
        Assert.Contains("int count_capitals_zz_again(const char *s)", refC);
        Assert.DoesNotMatch(@"\bcount_capitals\(", refC);
        Assert.Equal("int count_capitals(const char *s)", Task("count_capitals").Signature.Declaration);
        Assert.DoesNotContain(f.Report.Rejections, r => r.Reason == Reasons.DuplicateName);
    }

    [Fact]
    public void An_array_with_its_length_gets_len_of_the_array()
    {
        var entry = Assert.Single(f.Report.Accepted, a => a.Name == "sum_first");
        Assert.Equal("len(a)", entry.Generators["n"]);
        Assert.StartsWith("array(int(", entry.Generators["a"]);
        Assert.Contains("random: 0 a=array(", File.ReadAllText(Path.Combine(f.Suite, "sum_first", "task.txt")));
    }

    [Fact]
    public void A_string_function_gets_a_string_generator_and_a_generated_spec()
    {
        var entry = Assert.Single(f.Report.Accepted, a => a.Name == "count_vowels");
        Assert.Equal("string(0,16)", entry.Generators["s"]);
        Assert.Equal("generated", entry.SpecFrom);
        Assert.Equal("strings", Task("count_vowels").Category);
    }

    [Fact]
    public void A_const_table_is_pulled_in()
    {
        Assert.Contains("bit_table[16]", File.ReadAllText(Task("popcount8").V1.ReferencePath));
    }

    [Fact]
    public void A_function_that_writes_a_global_is_rejected() =>
        Assert.Equal(Reasons.WritableData, RejectionOf("bump").Reason);

    [Fact]
    public void Inputs_with_undefined_behaviour_are_dropped_and_the_rest_kept()
    {
        var entry = Assert.Single(f.Report.Accepted, a => a.Name == "quotient");
        Assert.True(entry.DroppedInputs > 0, "d % 7 == 0 divides by zero: those inputs must go");
        Assert.True(entry.Inputs >= 10);
        Assert.DoesNotContain(Task("quotient").V1.HandTests, c => c.Arguments[1] is Sourceless.Values.IntValue { Number: var d } && d % 7 == 0);
    }

    [Fact]
    public void A_function_whose_result_depends_on_the_target_is_rejected()
    {
        var r = RejectionOf("unstable");
        Assert.Equal(Reasons.TargetsDisagree, r.Reason);
    }

    [Fact]
    public void Undefined_behaviour_on_every_input_rejects_the_function() =>
        Assert.Equal(Reasons.TooFewCleanInputs, RejectionOf("always_ub").Reason);

    [Fact]
    public void A_call_into_libm_is_rejected_with_the_linkers_complaint_and_no_scratch_path()
    {
        var r = RejectionOf("is_square_root");
        Assert.Equal(Reasons.HarnessFailure, r.Reason);
        Assert.Contains("undefined reference to symbol 'sqrt", r.Detail);
        Assert.DoesNotContain(f.Tmp.Path, r.Detail);
        Assert.DoesNotContain("/", r.Detail);
    }

    [Fact]
    public void A_call_into_another_file_is_rejected_with_the_callee()
    {
        var r = RejectionOf("calls_out");
        Assert.Equal(Reasons.CallsOtherFile, r.Reason);
        Assert.Contains("elsewhere", r.Detail);
    }

    [Fact]
    public void Bad_files_are_counted_rejections_and_the_import_goes_on()
    {
        Assert.Contains(f.Report.Rejections, r => r.Source.EndsWith("broken.c", StringComparison.Ordinal) && r.Reason == Reasons.ParseError);
        Assert.Contains(f.Report.Rejections, r => r.Source.EndsWith("missing.c", StringComparison.Ordinal) && r.Reason == Reasons.MissingHeader);
        Assert.Equal(2, f.Report.Rejections.Count(r => r.Reason == Reasons.NotExeBench));
    }

    [Fact]
    public void ExeBench_records_import()
    {
        Assert.Contains(f.Report.Accepted, a => a.Name == "clamp_add");
        Assert.Contains(f.Report.Accepted, a => a.Name == "first_index");
        Assert.Contains("#define LIMIT 500", File.ReadAllText(Task("clamp_add").V1.ReferencePath));
    }

    [Fact]
    public void Import_json_counts_everything_and_the_suite_loads()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(f.Suite, ImportReport.FileName)));
        var root = doc.RootElement;
        Assert.Equal(f.Report.Accepted.Count, root.GetProperty("accepted").GetInt32());
        Assert.True(root.GetProperty("functions_found").GetInt32() >= root.GetProperty("candidates").GetInt32());
        Assert.Equal(f.Report.Rejections.Count, root.GetProperty("rejections").GetArrayLength());
        Assert.Equal(f.Report.Accepted.Count, TaskSuite.Load(f.Suite).Tasks.Count);
    }

    [Fact]
    public async Task A_folder_with_no_C_is_a_clear_error()
    {
        using var empty = new TempFolder("sl-import-empty");
        File.WriteAllText(Path.Combine(empty.Path, "README.md"), "no C here");
        var r = await Support.Cli.RunAsync(["tasks", "import", empty.Path, "--out", Path.Combine(empty.Path, "out")], CancellationToken.None);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no C files", r.Stderr);
    }

    [Fact]
    public async Task A_trial_on_the_imported_suite_next_to_the_built_in_one_writes_its_report()
    {
        string run = f.Tmp.Sub("run");
        var r = await Support.Cli.RunAsync(["trial", "--suite", $"builtin,{f.Suite}", "--tasks", "add_sat,sum_first,manhattan", "--contenders", "gcc",
            "--targets", "x86_64/gcc/-O2", "--generations", "1", "--fault-tasks", "0", "--out", run], CancellationToken.None);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string md = File.ReadAllText(Path.Combine(run, "report.md"));
        Assert.Contains("Suites side by side", md);
        Assert.Contains("builtin (1 tasks)", md);
        Assert.Contains("suite (2 tasks)", md);
        Assert.Contains("2 imported task(s) not applicable: they lack a change request", md);
        Assert.True(File.Exists(Path.Combine(run, "report.html")));
    }
}
