using System.Globalization;
using System.Text;
using System.Text.Json;
using Sourceless.Artifacts;
using Sourceless.Contenders;
using Sourceless.Contenders.Llm;
using Sourceless.Experiments.Security;
using Sourceless.Sandbox;
using Sourceless.Targets;
using Sourceless.Tasks;
using Sourceless.Trials;

namespace Sourceless.Make;

/// <summary>What <c>sourceless make</c> was asked for.</summary>
public sealed record MakeOptions(string Spec, string Contender, Target Target, string Name, string Out, int Samples, int Flips, ulong Seed, LlmSettings Llm);

/// <summary>
/// <c>sourceless make "SPEC"</c>, imagination to software: the spec goes to a model contender
/// (llm:URL#hex|asm|c) as a program <c>int NAME(void)</c> that prints its result and returns its
/// exit status; the first sample that builds becomes OUT/NAME, an executable for the target's ISA.
/// Beside it, report-card.md and report-card.json: the trial's questions asked of this one
/// artifact (does it run, do k samples agree, what a flipped bit does, what names, source, debug
/// information, imports and dangerous calls it carries). The binary runs only in the sandbox here.
/// </summary>
public sealed class MakeRun(MakeOptions options)
{
    public sealed record Sample(int Index, string? Failure, string? CodeSha256, int? Bytes, string? Outcome, int? ExitCode, string? Output, IReadOnlyList<ModelRequest> Requests);

    public async Task<(string? Binary, string Card)> RunAsync(TextWriter log, CancellationToken ct)
    {
        if (ContenderRegistry.KindOf(options.Contender) is not Contenders.Llm.LlmContender.Kind)
            throw new UserError($"--contender: make needs a model that reads a spec: llm:URL#hex, llm:URL#asm or llm:URL#c (got '{options.Contender}')");
        if (Contenders.Search.SearchStrategy.Split(options.Contender).Strategy is { } strategy)
            throw new UserError($"--contender: make has no test cases for {strategy.Suffix} to choose by (a spec in words has none); drop {strategy.Suffix}, or put the function on trial as a task");
        string outDir = Path.GetFullPath(options.Out);
        bool fresh = !Directory.Exists(outDir);
        Directory.CreateDirectory(outDir);
        var services = new TrialServices(Path.Combine(outDir, ".work"), Environment.ProcessorCount);
        var contender = new LlmContender(options.Contender, options.Llm, services.Contenders, services.Workspace.Dir("fewshot-cache")) { StopWhenNoServer = true };
        var signature = Signature.Parse($"int {options.Name}(void)", new Dictionary<string, StructType>());
        var version = new TaskVersion("v1", options.Spec + $"\nWrite it as `int {options.Name}(void)`: print the result to standard output (printf, puts), return 0 on success.", "", [], RandomSpec.None);
        var task = new TaskDefinition("made", outDir, "made", Summary(options.Spec), signature, "", false, 0, version, version, null, null, []);
        string headerFolder = services.Workspace.Dir("header");
        await File.WriteAllTextAsync(Path.Combine(headerFolder, "task.h"), task.Header, ct);

        var samples = new List<Sample>();
        var artifacts = new List<Artifact?>();
        string? binary = null;
        byte[]? expectedOutput = null;
        for (int i = 0; i < options.Samples; i++)
        {
            log.WriteLine($"make: sample {i + 1}/{options.Samples} from {contender.Name}");
            var request = new GenerationRequest(task, version, options.Target, i, options.Seed, headerFolder, services.Workspace.Dir("gen", $"g{i}"));
            Generation gen;
            try
            {
                gen = await contender.GenerateAsync(request, ct);
            }
            catch (EndpointRefusedException e)
            {
                // Nothing was made: leave no empty output folder behind.
                if (fresh) Directory.Delete(outDir, recursive: true);
                string mode = contender.Mode.ToString().ToLowerInvariant();
                throw new UserError($"{e.Message}: give one with --contender llm:URL#{mode}, e.g. the built-in model after 'sourceless serve' " +
                    $"(llm:http://127.0.0.1:8080/v1#{mode}), Ollama (llm:http://127.0.0.1:11434/v1#{mode}) or vLLM (llm:http://127.0.0.1:8000/v1#{mode})");
            }
            artifacts.Add(gen.Artifact);
            if (gen.Artifact is null) { samples.Add(new Sample(i, gen.Failure, null, null, null, null, null, gen.Requests)); continue; }
            string exe = Path.Combine(outDir, i == 0 || binary is null ? options.Name : $".build/{options.Name}-sample{i}");
            await MadeBinary.BuildAsync(gen.Artifact.Code, options.Target.Isa, exe, services.LibDep, services.Imports, services.Tools, ct);
            binary ??= exe;
            var run = await RunAsync(services, exe, null, ct);
            expectedOutput ??= Encoding.UTF8.GetBytes(run.Output);
            samples.Add(new Sample(i, null, gen.Artifact.CodeHash, gen.Artifact.Code.Length, run.Outcome, run.ExitCode, run.Output, gen.Requests));
        }
        var first = artifacts.FirstOrDefault(a => a is not null);
        var flips = first is null || binary is null ? [] : await FlipsAsync(services, binary, first.Code, samples.First(s => s.CodeSha256 == first.CodeHash), ct);
        var card = await CardAsync(services, first, samples, flips, binary, ct);
        await File.WriteAllTextAsync(Path.Combine(outDir, "report-card.md"), card.Markdown, ct);
        await File.WriteAllTextAsync(Path.Combine(outDir, "report-card.json"), card.Json, ct);
        if (first?.Source is { } src) await File.WriteAllTextAsync(Path.Combine(outDir, options.Name + ".c"), ArtifactSource.Own(src)?.Text ?? src, ct);
        if (first is not null) await File.WriteAllBytesAsync(Path.Combine(outDir, options.Name + ".image"), first.Code, ct);
        return (binary, card.Markdown);
    }

    private static string Summary(string spec) => spec.Length <= 80 ? spec : spec[..77] + "...";

    private sealed record RunResult(string Outcome, int? ExitCode, string Output);

    private async Task<RunResult> RunAsync(TrialServices services, string exe, string? image, CancellationToken ct)
    {
        string libdir = Path.GetFullPath(options.Out);
        var args = image is null ? new List<string>() : ["--image", image];
        var paths = new List<string> { exe, Path.Combine(libdir, "libdep.so.1") };
        if (image is not null) paths.Add(image);
        var r = await services.Sandbox.RunAsync(new SandboxRequest(options.Target.Isa, exe, args, paths,
            new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = libdir }), ct);
        string outcome = r.TimedOut ? "timed_out" : r.OutputCapped ? "killed_by_limit" : r.ExitCode > 128 ? "crashed" : r.ExitCode == 0 ? "ran" : "exit_nonzero";
        string output = r.StandardOutput.Length > 4096 ? r.StandardOutput[..4096] : r.StandardOutput;
        return new RunResult(outcome, r.ExitCode, output);
    }

    private sealed record Flip(int Bit, string Outcome);

    /// <summary>Single-bit flips of the image, run against the unflipped run: same output and
    /// status (benign), crashed, timed out, or ran to a different output (silently wrong).</summary>
    private async Task<IReadOnlyList<Flip>> FlipsAsync(TrialServices services, string exe, byte[] code, Sample baseline, CancellationToken ct)
    {
        var rng = new SplitMix64(SplitMix64.SeedFrom(options.Seed, "make-flips"));
        int bits = code.Length * 8;
        var chosen = Enumerable.Range(0, bits).OrderBy(_ => rng.NextUInt64()).Take(Math.Min(options.Flips, bits)).Order().ToList();
        var results = new Flip[chosen.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, chosen.Count), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, async (k, token) =>
        {
            var mutant = (byte[])code.Clone();
            mutant[chosen[k] / 8] ^= (byte)(1 << (chosen[k] % 8));
            string file = Path.Combine(services.Workspace.Dir("flips"), $"bit{chosen[k]}.image");
            await File.WriteAllBytesAsync(file, mutant, token);
            var r = await RunAsync(services, exe, file, token);
            string outcome = r.Outcome is "crashed" or "timed_out" or "killed_by_limit" ? r.Outcome
                : r.Output == baseline.Output && r.ExitCode == baseline.ExitCode ? "benign" : "silently_different";
            results[k] = new Flip(chosen[k], outcome);
        });
        return results;
    }

    private sealed record Card(string Markdown, string Json);

    private async Task<Card> CardAsync(TrialServices services, Artifact? first, List<Sample> samples, IReadOnlyList<Flip> flips, string? binary, CancellationToken ct)
    {
        var inv = CultureInfo.InvariantCulture;
        int built = samples.Count(s => s.CodeSha256 is not null);
        int identical = first is null ? 0 : samples.Count(s => s.CodeSha256 == first.CodeHash);
        var firstRun = samples.FirstOrDefault(s => s.CodeSha256 is not null);
        int sameOutput = firstRun is null ? 0 : samples.Count(s => s.Output is not null && s.Output == firstRun.Output && s.ExitCode == firstRun.ExitCode);
        Disassembly? dis = first is null ? null : await Disassembly.OfAsync(first.Code, first.Target.Isa, services.Workspace, services.Tools, services.Imports, ct);
        var dangerous = dis is null ? null : BinaryInspection.Audit(dis);
        int named = first?.ObjectFile is { } obj ? ElfFile.Read(obj).Symbols().Count(s => s.IsNamedCodeOrData) : 0;
        string? source = first?.Source is { } s0 ? ArtifactSource.Own(s0)?.Text ?? s0 : null;
        int comments = source?.Split('\n').Count(l => l.TrimStart().StartsWith("//", StringComparison.Ordinal) || l.Contains("/*", StringComparison.Ordinal)) ?? 0;
        var flipCounts = flips.GroupBy(f => f.Outcome).ToDictionary(g => g.Key, g => g.Count());
        long promptTokens = samples.SelectMany(s => s.Requests).Sum(r => r.PromptTokens ?? 0), completionTokens = samples.SelectMany(s => s.Requests).Sum(r => r.CompletionTokens ?? 0);
        double latency = samples.SelectMany(s => s.Requests).Sum(r => r.LatencyMs);

        var md = new StringBuilder();
        md.Append(inv, $"# Report card: {options.Name}\n\n");
        md.Append(inv, $"Spec: {options.Spec}\n\nContender: `{options.Contender}` (model `{options.Llm.Model}`), target `{options.Target.Id}`, seed {options.Seed}.\n\n");
        md.Append(binary is null ? "**No sample built: there is no binary.**\n\n" : $"Binary: `{binary}` (run it: `{(options.Target.Isa.IsNative ? "" : options.Target.Isa.Qemu + " -L " + options.Target.Isa.Sysroot + " ")}{binary}`)\n\n");
        md.Append("| question | answer | how it was measured |\n|---|---|---|\n");
        md.Append(inv, $"| Does it run? | {(firstRun is null ? "no sample built" : $"{firstRun.Outcome}, exit {firstRun.ExitCode}")} | sample 1 run in the sandbox |\n");
        md.Append(inv, $"| Reliability: do {options.Samples} samples agree? | {built} built, {identical} byte-identical to the first, {sameOutput} with the same output and status | k samples, each built and run in the sandbox |\n");
        md.Append(inv, $"| Interpretability: what does a flipped bit do? | {string.Join(", ", flipCounts.OrderBy(k => k.Key).Select(k => $"{k.Value} {k.Key}"))} of {flips.Count} | seeded single-bit flips of the image, each run against the unflipped output |\n");
        md.Append(inv, $"| Abstractions: names, source, comments | {named} named symbols, {(source is null ? "no source" : $"source of {source.Split('\n').Length} lines, {comments} with comments")} | the object's symbol table; the reply's C |\n");
        md.Append(inv, $"| Debugging: can gdb stop at `{options.Name}` by name? | {(first?.DebugImage is not null ? "yes: DWARF and symbols in the object" : "no: bare bytes carry no symbols or line table")} | whether the artifact has a debug image |\n");
        md.Append(inv, $"| Dependencies: what it calls | {(dis is null ? "-" : dis.ImportsCalled.Count == 0 ? "no imports" : string.Join(", ", dis.ImportsCalled))}; declared: {(first is null || first.Dependencies.Count == 0 ? "none" : string.Join(", ", first.Dependencies))} | import slots the bytes branch to; the object's undefined symbols |\n");
        md.Append(inv, $"| Security: dangerous calls in the bytes | {(dangerous is null ? "-" : dangerous.Flagged ? dangerous.Findings : "none found")} | calls to {string.Join("/", BinaryInspection.Dangerous)} through the import table |\n");
        md.Append(inv, $"| Cost | {promptTokens} prompt + {completionTokens} completion tokens, {latency / 1000:0.0} s of requests | model_requests of every sample |\n\n");
        if (firstRun?.Output is { Length: > 0 } o) md.Append("Output of sample 1:\n\n```\n").Append(o.TrimEnd()).Append("\n```\n\n");
        foreach (var sm in samples.Where(s => s.Failure is not null)) md.Append(inv, $"- sample {sm.Index + 1} failed: {sm.Failure}\n");
        var json = JsonSerializer.Serialize(new
        {
            spec = options.Spec, contender = options.Contender, model = options.Llm.Model, target = options.Target.Id, seed = options.Seed, binary,
            samples = samples.Select(s => new { index = s.Index, failure = s.Failure, code_sha256 = s.CodeSha256, bytes = s.Bytes, outcome = s.Outcome, exit_code = s.ExitCode, output = s.Output,
                requests = s.Requests.Select(r => new { r.Attempt, r.Status, r.Outcome, latency_ms = r.LatencyMs, prompt_tokens = r.PromptTokens, completion_tokens = r.CompletionTokens, r.Error }) }),
            flips = flips.Select(f => new { bit = f.Bit, outcome = f.Outcome }),
            named_symbols = named, has_source = source is not null, has_debug_info = first?.DebugImage is not null,
            imports_called = dis?.ImportsCalled, dangerous_calls = dangerous?.Flagged, dependencies = first?.Dependencies,
        }, new JsonSerializerOptions { WriteIndented = true });
        return new Card(md.ToString(), json);
    }
}
