using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Sourceless.Corpus;
using Sourceless.Harness;
using Sourceless.Tests.Support;
using Sourceless.Tools;

namespace Sourceless.Tests.Corpus;

/// <summary>The corpus generator on real compilers, real Parquet files read back by a real DuckDB.</summary>
public sealed class CorpusSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-corpus");

    public void Dispose() => _tmp.Dispose();

    private CorpusOptions Options(string name, string sources = "exprgen", string tiers = "1,2,3", int count = 12, string targets = "x86_64/gcc/-O2,aarch64/clang/-O1",
        int shard = 0, int shards = 1, int chunk = 10, string format = "parquet", string cache = "cache") =>
        new(ProgramSources.ParseNames(sources), CorpusOptions.ParseTiers(tiers), count, CorpusOptions.ParseTargets(targets), _tmp.Sub(name), format,
            shard, shards, 7, 2, chunk, _tmp.Sub(cache));

    private static List<Dictionary<string, object?>> Duck(string sql)
    {
        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (r.Read()) rows.Add(Enumerable.Range(0, r.FieldCount).ToDictionary(r.GetName, i => r.IsDBNull(i) ? null : r.GetValue(i)));
        return rows;
    }

    private static async Task<List<string>> Canonical(string dir, CancellationToken ct)
    {
        var all = new List<CorpusRecord>();
        foreach (var f in ShardFiles.List(dir)) all.AddRange(await ShardFiles.ReadAsync(f, ct));
        return CorpusMerge.Order(all).Select(r => $"{r.RecordId}|{r.ProgramIndex}|{r.Target}|{r.Function}|{r.BytesSha256}").ToList();
    }

    [Fact]
    public void Exprgen_is_the_same_text_for_the_same_seed_and_each_tier_has_its_constructs()
    {
        Assert.Equal(ExprGen.Program(5, 2, 17).Source, ExprGen.Program(5, 2, 17).Source);
        Assert.NotEqual(ExprGen.Program(5, 2, 17).Source, ExprGen.Program(6, 2, 17).Source);
        var t1 = Enumerable.Range(0, 50).Select(i => ExprGen.Program(1, 1, i).Source).ToList();
        var t2 = Enumerable.Range(0, 50).Select(i => ExprGen.Program(1, 2, i).Source).ToList();
        var t3 = Enumerable.Range(0, 50).Select(i => ExprGen.Program(1, 3, i).Source).ToList();
        Assert.All(t1, s => Assert.Matches(@"^int f\d+\(int a(, int b)?(, int c)?\)\n\{\n    return [^;?<>=!]*(<<|>>)?[^;?]*;\n\}\n$", s.Replace("<< ", "").Replace(">> ", "")));
        Assert.DoesNotContain(t1, s => s.Contains('?') || s.Contains("for ("));
        Assert.Contains(t2, s => s.Contains('?') && s.Contains("int t0 ="));
        Assert.All(t3, s => Assert.Contains("for (int i = 0;", s));
        Assert.All(t3, s => Assert.Matches(@"static int h\d+\(int x, int y\)", s));
        // Shift counts are constants below the width.
        foreach (Match m in Regex.Matches(string.Join('\n', t1.Concat(t2).Concat(t3)), @"(<<|>>) (\d+)\)"))
            Assert.InRange(int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 0, 31);
    }

    [Fact]
    public void Tiers_4_and_5_have_the_constructs_of_the_built_in_tasks_and_their_loops_have_bounds()
    {
        var t4 = Enumerable.Range(0, 200).Select(i => ExprGen.Program(3, 4, i).Source).ToList();
        var t5 = Enumerable.Range(0, 200).Select(i => ExprGen.Program(3, 5, i).Source).ToList();
        Assert.Equal(t4[17], ExprGen.Program(3, 4, 17).Source);
        // Tier 4 keeps the judge's signature: int of int parameters.
        Assert.All(t4, s => Assert.Matches(@"(?m)^int f\d+\(int a(, int b)?(, int c)?\)\n\{", s));
        foreach (var construct in new[] { "for (const int *p = ", "struct { int ", "for (const char *q = \"", "while (u", "int v0[", "static int h" })
            Assert.Contains(t4, s => s.Contains(construct, StringComparison.Ordinal));
        // Tier 5 takes pointers, strings and structs, and returns what library code returns.
        foreach (var construct in new[] { "(const int *a, int n", "(char *out, const char *s", "(const char *s", "const struct ", "struct ", "malloc(", "free(p)", "while (lo < hi)", "(unsigned x", "size_t ", "void f", "long f" })
            Assert.Contains(t5, s => s.Contains(construct, StringComparison.Ordinal));
        // Every while loop of tier 4 runs down an unsigned value; every for loop of a local array has a constant bound.
        foreach (Match m in Regex.Matches(string.Join('\n', t4), @"while \((\w+)\)"))
            Assert.StartsWith("u", m.Groups[1].Value, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"for \(int i = 0; i < [a-z]", string.Join('\n', t4));
        Assert.Contains("1 to 5", Assert.Throws<Sourceless.UserError>(() => ExprGen.Program(3, 6, 0)).Message);
        Assert.Contains("4 loops", Assert.Throws<Sourceless.UserError>(() => CorpusOptions.ParseTiers("1,6")).Message);
    }

    [Fact(Timeout = 300_000)]
    public async Task Tiers_4_and_5_compile_on_every_isa_with_both_compilers_and_no_failure()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await new CorpusRunner(Options("t45", tiers: "4,5", count: 24, targets: "x86_64/gcc/-O2,aarch64/clang/-O2,riscv64/gcc/-O1"), ToolRunner.Shared).RunAsync(ct);
        Assert.Equal(48 * 3, run.Compiles);
        Assert.Equal(0, run.CompileFailures);
        var records = new List<CorpusRecord>();
        foreach (var f in ShardFiles.List(_tmp.Sub("t45"))) records.AddRange(await ShardFiles.ReadAsync(f, ct));
        // Each program's own function is a record on every target (tier 5's programs are numbered
        // 24..47 in the corpus, f0..f23 in their sources: the program id names the function).
        Assert.Equal(48 * 3, records.Count(r => r.Function == ExprGen.OwnFunction(r.ProgramId)));
        Assert.Equal(24 * 3, records.Count(r => r.Tier == 5 && r.Function == ExprGen.OwnFunction(r.ProgramId) && r.ProgramIndex >= 24));
        Assert.Contains(records, r => r.Tier == 5 && r.Relocations.Contains("malloc", StringComparison.Ordinal));
        // riscv64 keeps relocations for branches inside a function, already resolved in the bytes:
        // those records are not left out, a call to malloc is.
        Assert.Contains(records, r => r.Isa == "riscv64" && r.Relocations.Contains("R_RISCV_BRANCH", StringComparison.Ordinal)
            && !r.Relocations.Contains("CALL", StringComparison.Ordinal) && !Sourceless.Neural.TrainingSet.HasRelocations(r.Relocations));
        Assert.All(records.Where(r => r.Relocations.Contains("malloc", StringComparison.Ordinal)), r => Assert.True(Sourceless.Neural.TrainingSet.HasRelocations(r.Relocations)));
        // Training takes both tiers' own functions, and leaves out the bytes that need relocations.
        var set = await Sourceless.Neural.TrainingSet.LoadAsync([_tmp.Sub("t45")], null, 1024, int.MaxValue, ct);
        int bare = records.Count(r => r.Function == ExprGen.OwnFunction(r.ProgramId) && !Sourceless.Neural.TrainingSet.HasRelocations(r.Relocations));
        Assert.Equal(bare, set.Examples.Count + set.TooLong);
        Assert.Equal(48 * 3 - bare, set.Relocated);
        Assert.Contains(set.Bodies, b => b.Contains("const char *s", StringComparison.Ordinal) || b.Contains("const int *a", StringComparison.Ordinal));
    }

    [Fact(Timeout = 300_000)]
    public async Task A_corpus_reads_back_through_DuckDB_with_the_documented_columns_and_a_re_run_is_served_from_the_cache()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await new CorpusRunner(Options("a"), ToolRunner.Shared).RunAsync(ct);
        // 3 tiers x 12 programs, 2 targets; tier 3 programs may keep their helper as a function of its own.
        Assert.Equal(36 * 2, first.Compiles);
        Assert.Equal(0, first.CompileFailures);
        Assert.True(first.Records >= 72, CorpusRunner.Describe(first));
        Assert.Equal(4, first.FilesWritten); // 36 programs in chunks of 10

        string glob = Path.Combine(_tmp.Sub("a"), "*.parquet");
        var rows = Duck($"SELECT target, count(*) AS n, count(DISTINCT record_id) AS ids, min(octet_length(bytes) = size) AS sizes_match, min(length(disassembly) > 0) AS disassembled, min(length(source_sha256)) AS sha FROM read_parquet('{glob}') GROUP BY target ORDER BY target");
        Assert.Equal(["aarch64/clang/-O1", "x86_64/gcc/-O2"], rows.Select(r => (string)r["target"]!));
        Assert.Equal(first.Records, rows.Sum(r => Convert.ToInt64(r["n"], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(rows, r => Assert.Equal(r["n"], r["ids"]));
        Assert.All(rows, r => Assert.Equal(true, r["sizes_match"]));
        Assert.All(rows, r => Assert.Equal(true, r["disassembled"]));
        Assert.All(rows, r => Assert.Equal(64, Convert.ToInt32(r["sha"], System.Globalization.CultureInfo.InvariantCulture)));
        var columns = Duck($"SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('{glob}'))").Select(r => (string)r["column_name"]!).ToList();
        Assert.Equal(["record_id", "program_index", "program_id", "origin", "tier", "function", "source", "source_sha256", "target", "isa", "compiler", "opt",
            "compiler_version", "flags", "bytes", "size", "bytes_sha256", "relocations", "disassembly", "tests"], columns);
        // A tier-3 call that stayed a call at -O1 on aarch64 shows up as a CALL26 relocation.
        var x86 = Duck($"SELECT disassembly FROM read_parquet('{glob}') WHERE target = 'x86_64/gcc/-O2' AND tier = 1 LIMIT 1").Single();
        Assert.Matches(@"(?m)^[0-9a-f]+\tret", (string)x86["disassembly"]!);

        // The same inputs again, into a new folder: every compile comes from the cache, same records.
        var again = await new CorpusRunner(Options("b"), ToolRunner.Shared).RunAsync(ct);
        Assert.Equal(again.Compiles, again.CompilesCached);
        Assert.Equal(await Canonical(_tmp.Sub("a"), ct), await Canonical(_tmp.Sub("b"), ct));
    }

    [Fact(Timeout = 300_000)]
    public async Task Three_shards_merged_equal_the_unsharded_run_and_a_resumed_run_redoes_only_the_missing_file()
    {
        var ct = TestContext.Current.CancellationToken;
        // tasks + exprgen tier 1 twice over: the second exprgen block repeats programs of the first
        // (same seed), so deduplication across shards is exercised too.
        var whole = await new CorpusRunner(Options("whole", sources: "exprgen,tasks,exprgen", tiers: "1", count: 8, targets: "x86_64/gcc/-O2"), ToolRunner.Shared).RunAsync(ct);
        Assert.True(whole.Duplicates >= 8, CorpusRunner.Describe(whole));
        for (int k = 0; k < 3; k++)
            await new CorpusRunner(Options($"shard{k}", sources: "exprgen,tasks,exprgen", tiers: "1", count: 8, targets: "x86_64/gcc/-O2", shard: k, shards: 3), ToolRunner.Shared).RunAsync(ct);
        await CorpusMerge.RunAsync([_tmp.Sub("shard0"), _tmp.Sub("shard1"), _tmp.Sub("shard2")], _tmp.Sub("merged"), "parquet", 1000, ct);
        var expected = await Canonical(_tmp.Sub("whole"), ct);
        Assert.Equal(expected, await Canonical(_tmp.Sub("merged"), ct));
        Assert.Contains(expected, l => l.Contains("|dot_product|", StringComparison.Ordinal));

        // Kill simulation: the last file gone and a torn temporary file left behind.
        var files = ShardFiles.List(_tmp.Sub("whole"));
        File.Delete(files[^1]);
        await File.WriteAllTextAsync(Path.Combine(_tmp.Sub("whole"), "." + Path.GetFileName(files[^1]) + ".tmp"), "PAR1 torn", ct);
        var resumed = await new CorpusRunner(Options("whole", sources: "exprgen,tasks,exprgen", tiers: "1", count: 8, targets: "x86_64/gcc/-O2"), ToolRunner.Shared).RunAsync(ct);
        Assert.Equal((files.Count - 1, 1), (resumed.FilesSkipped, resumed.FilesWritten));
        Assert.Equal(expected, await Canonical(_tmp.Sub("whole"), ct));

        // Other settings into the same folder are refused, and nothing there is touched.
        var e = await Assert.ThrowsAsync<UserError>(() => new CorpusRunner(Options("whole", count: 9), ToolRunner.Shared).RunAsync(ct));
        Assert.Contains("other settings", e.Message);
        Assert.Equal(expected, await Canonical(_tmp.Sub("whole"), ct));
    }

    [Fact(Timeout = 300_000)]
    public async Task Csmith_programs_carry_their_checksum_oracle_and_jsonl_round_trips()
    {
        var ct = TestContext.Current.CancellationToken;
        var s = await new CorpusRunner(Options("cs", sources: "csmith", count: 2, targets: "x86_64/gcc/-O0", format: "jsonl"), ToolRunner.Shared).RunAsync(ct);
        Assert.Equal(0, s.CompileFailures);
        var records = await ShardFiles.ReadAsync(ShardFiles.List(_tmp.Sub("cs")).Single(), ct);
        Assert.Contains(records, r => r.Function == "main");
        Assert.All(records, r => Assert.Matches(@"^\{""(checksum"":""[0-9A-F]+|oracle_error"":"".+)""\}$", r.Tests!));
        Assert.Contains(records, r => r.Tests!.Contains("checksum"));
        Assert.All(records, r => Assert.Equal(r.BytesSha256, Workspace.Hash(r.Bytes)));
    }

    [Fact(Timeout = 300_000)]
    public async Task Csmith_leaves_nothing_in_the_folder_the_corpus_command_runs_from()
    {
        var ct = TestContext.Current.CancellationToken;
        string cwd = _tmp.Sub("cwd"), tmpdir = _tmp.Sub("tmpdir");
        Directory.CreateDirectory(cwd);
        Directory.CreateDirectory(tmpdir);
        var psi = Support.Cli.StartInfo(["corpus", "--sources", "csmith", "-n", "1", "--targets", "x86_64/gcc/-O0", "--out", _tmp.Sub("cs-out"), "--cache", _tmp.Sub("cs-cache")], cwd);
        psi.Environment["TMPDIR"] = tmpdir; // where its scratch folder goes, to see that it is removed
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        string stderr = await p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        await stdout;
        Assert.True(p.ExitCode == 0, stderr);
        // Csmith writes platform.info into its working folder, even for --version.
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
        Assert.Empty(Directory.GetDirectories(tmpdir, "sourceless-csmith-*"));
        Assert.Single(ShardFiles.List(_tmp.Sub("cs-out")));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_file_that_does_not_compile_is_named_with_its_first_error_line_in_failures_jsonl_and_at_the_end_of_the_run()
    {
        var ct = TestContext.Current.CancellationToken;
        string src = _tmp.Sub("src"), output = _tmp.Sub("dir-out");
        Directory.CreateDirectory(src);
        await File.WriteAllTextAsync(Path.Combine(src, "good.c"), "int good(int a) { return a + 1; }\n", ct);
        await File.WriteAllTextAsync(Path.Combine(src, "broken.c"), "int broken(int a)\n{\n    return a +\n}\n", ct);
        var r = await Support.Cli.RunAsync(["corpus", "--sources", $"dir:{src}", "--targets", "x86_64/gcc/-O2", "--out", output, "--cache", _tmp.Sub("dir-cache")], ct);
        Assert.True(r.ExitCode == 0, r.Stderr);

        string failures = Path.Combine(output, "failures.jsonl");
        using var json = System.Text.Json.JsonDocument.Parse(Assert.Single(File.ReadAllLines(failures)));
        var failure = json.RootElement;
        Assert.Equal(Path.Combine(src, "broken.c"), failure.GetProperty("file").GetString());
        Assert.Equal("dir/broken.c", failure.GetProperty("program_id").GetString());
        Assert.Equal("x86_64/gcc/-O2", failure.GetProperty("target").GetString());
        Assert.StartsWith("broken.c:4:1: error: expected expression before ", failure.GetProperty("error").GetString());
        // The run's last lines name it, and say where the whole list is.
        Assert.Contains($"corpus: 1 compile failed, the first 1 (all in {failures}):", r.Stderr);
        Assert.Contains($"  {Path.Combine(src, "broken.c")} for x86_64/gcc/-O2: broken.c:4:1: error: expected expression before ", r.Stderr);
        // The list is not read as corpus records.
        Assert.Single(ShardFiles.List(output));
    }

    [Fact]
    public void The_indexed_job_runs_the_same_command_with_the_completion_index_as_the_shard()
    {
        string yaml = File.ReadAllText(Path.Combine(SourcelessHome.Path, "deploy", "k8s", "corpus-indexed-job.yaml"));
        Assert.Contains("completionMode: Indexed", yaml);
        int completions = int.Parse(Regex.Match(yaml, @"completions: (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(completions, int.Parse(Regex.Match(yaml, @"parallelism: (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains($"--shard \"${{JOB_COMPLETION_INDEX}}/{completions}\"", yaml);
        Assert.Contains("./sourceless corpus ", yaml);
    }
}
