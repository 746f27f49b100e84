using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Sourceless.Corpus;
using Sourceless.Harness;
using Sourceless.Sandbox;
using Sourceless.Targets;
using Sourceless.Tools;

namespace Sourceless.Neural;

/// <summary>What one image did on the hidden inputs: "ok" with the values it returned, or how it
/// failed (crashed, timed_out, exited, empty, no_result).</summary>
public sealed record ExprVerdict(string Outcome, int[]? Values, string Detail)
{
    public bool Passes(int[]? expected) => Outcome == "ok" && expected is not null && Values is not null && Values.AsSpan().SequenceEqual(expected);

    /// <summary>Right on the given inputs only (indices into <see cref="ExprJudge.Inputs"/>).</summary>
    public bool PassesOn(int[]? expected, IReadOnlyList<int> inputs) =>
        Outcome == "ok" && expected is not null && Values is { } v && v.Length == expected.Length && inputs.All(i => v[i] == expected[i]);
}

/// <summary>
/// The hidden tests of held-out corpus functions (int functions of up to three int parameters):
/// every function runs on the same fixed inputs, edge values and seeded random ones. Expected
/// values come from the real compiler's build of the source (its own translation unit, the
/// target's level and flags, linked to a main compiled apart so nothing is folded at compile
/// time). Candidate images run through harness/exprcheck.c, one forked child each. Both run in
/// the sandbox: the oracle is generated code too.
/// </summary>
public sealed partial class ExprJudge(Sandbox.Sandbox sandbox, ToolRunner tools, string workDir)
{
    /// <summary>The hidden inputs (a, b, c); a function of fewer parameters ignores the rest.</summary>
    public static IReadOnlyList<int[]> Inputs { get; } = MakeInputs();

    /// <summary>The inputs a search may look at (<c>neural eval --best K</c>): 3 of the 16, seeded,
    /// as a task shows a contender its visible cases. <see cref="Hidden"/> are the rest, the only
    /// ones a search's pick is scored on.</summary>
    public static IReadOnlyList<int> Visible { get; } = PickVisible();

    public static IReadOnlyList<int> Hidden { get; } = [.. Enumerable.Range(0, Inputs.Count).Except(Visible)];

    private static int[] PickVisible()
    {
        var rng = new Tasks.SplitMix64(Tasks.SplitMix64.SeedFrom(20261205, "exprjudge-visible"));
        var order = Enumerable.Range(0, Inputs.Count).ToArray();
        for (int i = order.Length - 1; i > 0; i--) { int j = rng.Next(i + 1); (order[i], order[j]) = (order[j], order[i]); }
        return [.. order.Take(3).Order()];
    }

    private static int[][] MakeInputs()
    {
        var list = new List<int[]>
        {
            new[] { 0, 0, 0 }, new[] { 1, 2, 3 }, new[] { -1, -2, -3 }, new[] { int.MaxValue, 1, -1 },
            new[] { int.MinValue, -1, 7 }, new[] { 255, 256, 65535 },
        };
        var rng = new Tasks.SplitMix64(Tasks.SplitMix64.SeedFrom(20261126, "exprjudge"));
        while (list.Count < 16)
            list.Add(Enumerable.Range(0, 3).Select(_ => rng.Next(2) == 0 ? rng.Next(2001) - 1000 : (int)rng.NextUInt64()).ToArray());
        return [.. list];
    }

    private readonly Dictionary<string, Task<string>> _checkers = [];
    private readonly Lock _gate = new();

    /// <summary>Runs images for one ISA, 64 per sandboxed checker run, runs in parallel.</summary>
    public async Task<IReadOnlyList<ExprVerdict>> RunAsync(Isa isa, IReadOnlyList<byte[]> images, CancellationToken ct)
    {
        string checker = await CheckerAsync(isa, ct);
        var verdicts = new ExprVerdict[images.Count];
        var chunks = Enumerable.Range(0, images.Count).Chunk(64).ToList();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, sandbox.Uids.Count), CancellationToken = ct }, async (chunk, token) =>
        {
            var input = new StringBuilder(InputsLine());
            foreach (int i in chunk) input.Append(images[i].Length == 0 ? "-" : Convert.ToHexStringLower(images[i])).Append('\n');
            string file = Path.Combine(workDir, $"check-{Guid.NewGuid():N}.txt");
            await File.WriteAllTextAsync(file, input.ToString(), token);
            try
            {
                long budget = isa.IsNative ? 200 : 1000;
                var limits = sandbox.Limits with { CpuSeconds = 120, WallClock = TimeSpan.FromSeconds(240) };
                var result = await sandbox.RunAsync(new SandboxRequest(isa, checker, [file, "--budget-ms", budget.ToString(CultureInfo.InvariantCulture)],
                    [checker, file], new Dictionary<string, string>(), limits), token);
                var lines = ParseLines(result.StandardOutput);
                for (int k = 0; k < chunk.Length; k++)
                    verdicts[chunk[k]] = lines.TryGetValue(k, out var v) ? v
                        : new ExprVerdict("no_result", null, result.TimedOut ? "the checker run timed out" : $"checker exit {result.ExitCode}");
            }
            finally { File.Delete(file); }
        });
        return verdicts;
    }

    /// <summary>The compiler's answers for each source's function on the hidden inputs (null when
    /// the reference itself did not run to the end).</summary>
    public async Task<IReadOnlyList<int[]?>> ExpectedAsync(Target target, IReadOnlyList<(string Source, string Function)> functions, CancellationToken ct)
    {
        string folder = Path.Combine(workDir, "oracle-" + Workspace.Hash(target.Id + string.Join("\0", functions.Select(f => f.Source + f.Function)))[..16]);
        Directory.CreateDirectory(folder);
        var fns = new StringBuilder();
        var main = new StringBuilder("#include <stdio.h>\n#include <unistd.h>\n#include <sys/wait.h>\n");
        main.Append(CultureInfo.InvariantCulture, $"static volatile int in[{Inputs.Count}][3] = {{{string.Join(", ", Inputs.Select(i => $"{{{i[0]}, {i[1]}, {i[2]}}}"))}}};\n");
        var calls = new StringBuilder();
        for (int i = 0; i < functions.Count; i++)
        {
            var (source, name) = functions[i];
            int arity = Arity(source, name);
            // Each program in its own namespace of names: the same function name may recur.
            fns.Append(CultureInfo.InvariantCulture, $"#define {name} sl_fn_{i}\n{source}\n#undef {name}\n");
            var types = string.Join(", ", Enumerable.Range(0, arity).Select(j => "int"));
            main.Append(CultureInfo.InvariantCulture, $"int sl_fn_{i}({(arity == 0 ? "void" : types)});\n");
            // Each function in a child of its own with an alarm: one that hangs (a loop whose
            // arithmetic overflows is undefined, and gcc may drop its bound) gets no answers, and
            // the functions after it still do. The child's buffered line is lost if it is killed.
            calls.Append(CultureInfo.InvariantCulture,
                $"    {{ pid_t p = fork(); if (p == 0) {{ alarm({(target.Isa.IsNative ? 2 : 10)}); printf(\"%d ok\", {i}); for (int k = 0; k < {Inputs.Count}; k++) printf(\" %d\", sl_fn_{i}({string.Join(", ", Enumerable.Range(0, arity).Select(j => $"in[k][{j}]"))})); printf(\"\\n\"); fflush(stdout); _exit(0); }} if (p > 0) waitpid(p, 0, 0); }}\n");
        }
        main.Append("int main(void)\n{\n").Append(calls).Append("    return 0;\n}\n");
        string fnsPath = Path.Combine(folder, "fns.c"), mainPath = Path.Combine(folder, "main.c"), exe = Path.Combine(folder, "oracle");
        await File.WriteAllTextAsync(fnsPath, fns.ToString(), ct);
        await File.WriteAllTextAsync(mainPath, main.ToString(), ct);
        var (tool, args) = CorpusCompiler.Command(target, [], fnsPath, fnsPath + ".o");
        var compiled = await tools.RunAsync(tool, args, ct, timeout: TimeSpan.FromMinutes(5));
        if (!compiled.Succeeded) throw new ToolFailedException("building the oracle", compiled);
        var linked = await tools.RunAsync(target.Isa.Gcc, ["-O0", "-w", mainPath, fnsPath + ".o", "-o", exe], ct);
        if (!linked.Succeeded) throw new ToolFailedException("linking the oracle", linked);
        var limits = sandbox.Limits with { CpuSeconds = 60, WallClock = TimeSpan.FromSeconds(120) };
        var run = await sandbox.RunAsync(new SandboxRequest(target.Isa, exe, [], [exe], new Dictionary<string, string>(), limits), ct);
        var lines = ParseLines(run.StandardOutput);
        return [.. Enumerable.Range(0, functions.Count).Select(i => lines.TryGetValue(i, out var v) && v.Outcome == "ok" ? v.Values : null)];
    }

    private static string InputsLine() =>
        Inputs.Count.ToString(CultureInfo.InvariantCulture) + " " + string.Join(" ", Inputs.SelectMany(i => i).Select(v => v.ToString(CultureInfo.InvariantCulture))) + "\n";

    private static Dictionary<int, ExprVerdict> ParseLines(string output)
    {
        var result = new Dictionary<int, ExprVerdict>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            if (parts.Length < 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int index)) continue;
            result[index] = parts[1] == "ok"
                ? new ExprVerdict("ok", [.. parts.Skip(2).Select(p => int.Parse(p, CultureInfo.InvariantCulture))], "")
                : new ExprVerdict(parts[1], null, string.Join(' ', parts.Skip(2)));
        }
        return result;
    }

    /// <summary>Parameters of the named function's definition (the harness passes three ints;
    /// the oracle calls with exactly as many as declared).</summary>
    public static int Arity(string source, string name)
    {
        var m = Regex.Match(source, $@"\b{Regex.Escape(name)}\s*\(([^)]*)\)");
        if (!m.Success) throw new ArgumentException($"no function {name} in source");
        string ps = m.Groups[1].Value.Trim();
        return ps.Length == 0 || ps == "void" ? 0 : ps.Split(',').Length;
    }

    private Task<string> CheckerAsync(Isa isa, CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_checkers.TryGetValue(isa.Name, out var task))
                _checkers[isa.Name] = task = BuildCheckerAsync(isa, ct);
            return task;
        }
    }

    private async Task<string> BuildCheckerAsync(Isa isa, CancellationToken ct)
    {
        string source = Path.Combine(SourcelessHome.HarnessDir, "exprcheck.c");
        var text = new System.Text.StringBuilder(await File.ReadAllTextAsync(source, ct));
        foreach (var runtime in HarnessBuilder.RuntimeSources) text.Append(await File.ReadAllTextAsync(runtime, ct)); // exprcheck.c includes the runtime's source
        string hash = Workspace.Hash(text.ToString())[..12];
        Directory.CreateDirectory(workDir);
        string output = Path.Combine(workDir, $"exprcheck-{isa.Name}-{hash}");
        if (File.Exists(output)) return output;
        string temp = AtomicFile.TempPath(output);
        var r = await tools.RunAsync(isa.Gcc, [.. HarnessBuilder.RuntimeFlags(), source, "-o", temp], ct);
        if (!r.Succeeded) throw new ToolFailedException($"building exprcheck for {isa}", r);
        AtomicFile.Publish(temp, output);
        return output;
    }
}
