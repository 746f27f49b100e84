using System.Diagnostics;
using Sourceless.Targets;
using Sourceless.Trials;

namespace Sourceless.Tasks.Import;

/// <summary>
/// <c>sourceless tasks import</c>: folders of C files and ExeBench JSONL in, a task suite out.
/// Per file (in parallel, --jobs): parse with clang, keep definitions whose types fit the task
/// format (candidates), pull in what each needs from its file, infer generators, draw inputs,
/// keep the well-defined and stable ones (<see cref="ReferenceChecker"/>), write the tasks and
/// import.json. Every function that does not make it is a rejection with its reason.
/// </summary>
public sealed class SuiteImporter(ImportOptions options, Action<string>? progress = null)
{
    private sealed record Input(int Order, string Path, string DisplayName, string IncludeRoot, string? OnlyFunction);

    private sealed record FileResult(int Order, int Found, int Candidates, List<(int Offset, ImportedTask Task)> Accepted, List<Rejection> Rejections,
        double ParseSeconds, double BuildSeconds, double RunSeconds);

    public async Task<ImportReport> RunAsync(CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        var targets = Target.ParseList(options.Targets);
        if (options.MinInputs < 1) throw new UserError("--min-inputs must be at least 1");
        if (options.Draws < options.MinInputs) throw new UserError($"--draws ({options.Draws}) must be at least --min-inputs ({options.MinInputs})");
        string work = options.Work ?? Path.Combine("/var/tmp", $"sourceless-import-{Environment.ProcessId}");
        var (inputs, early) = Collect(work);
        if (Directory.Exists(options.Out) && Directory.EnumerateFileSystemEntries(options.Out).Any())
            throw new UserError($"--out {options.Out} exists and is not empty: choose a new folder");
        await Toolchain.CheckAsync(targets, Tools.ToolRunner.Shared, ct);
        int jobs = Math.Clamp(options.Jobs, 1, 16);
        var services = new TrialServices(Path.Combine(work, "work"), jobs);
        var checker = new ReferenceChecker(services, targets, options.MinInputs);
        var results = new List<FileResult>();
        int filesDone = 0, found = 0, candidates = 0, accepted = 0;
        var lastPrint = Stopwatch.StartNew();
        await Parallel.ForEachAsync(inputs, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = ct }, async (input, token) =>
        {
            var r = await ImportFileAsync(input, services, checker, token);
            lock (results)
            {
                results.Add(r);
                filesDone++; found += r.Found; candidates += r.Candidates; accepted += r.Accepted.Count;
                if (progress is not null && (lastPrint.Elapsed.TotalSeconds >= 5 || filesDone == inputs.Count))
                {
                    lastPrint.Restart();
                    progress($"[import] {filesDone}/{inputs.Count} files, {found} functions, {candidates} candidates, {accepted} accepted, {total.Elapsed.TotalSeconds:0}s");
                }
            }
        });

        // Names are task names: the first in source order keeps its name; a later function of the
        // same name (exercise collections reuse them) is renamed after its file, so it is kept too.
        Directory.CreateDirectory(options.Out);
        var rejections = new List<Rejection>(early);
        var entries = new List<AcceptedEntry>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in results.OrderBy(r => r.Order))
        {
            rejections.AddRange(r.Rejections);
            foreach (var (_, first) in r.Accepted.OrderBy(a => a.Offset))
            {
                var t = first;
                if (names.ContainsKey(t.Name))
                {
                    string? renamed = TaskRename.FreeName(t.Name, t.Origin, names.ContainsKey);
                    if (renamed is null)
                    {
                        rejections.Add(new Rejection(t.Origin, t.Name, Reasons.DuplicateName, $"a task named '{t.Name}' was already imported from {names[t.Name]}, and no free name was found"));
                        continue;
                    }
                    t = TaskRename.To(t, renamed);
                }
                names[t.Name] = t.Origin;
                TaskWriter.Write(options.Out, t);
                entries.Add(new AcceptedEntry(t.Name, t.Origin, t.SpecFrom, t.Shape.Signature.Declaration,
                    t.Generators.ToDictionary(g => g.Param, g => g.Generator), t.Tests.Count, t.DroppedInputs));
            }
        }
        var report = new ImportReport(options.Sources.Select(Path.GetFullPath).ToList(), inputs.Count, results.Sum(r => r.Found),
            results.Sum(r => r.Candidates), entries, rejections, total.Elapsed.TotalSeconds,
            results.Sum(r => r.ParseSeconds), results.Sum(r => r.BuildSeconds), results.Sum(r => r.RunSeconds), options.MinInputs, targets.Select(t => t.Id).ToList());
        report.Write(options.Out);
        if (options.Work is null) try { Directory.Delete(work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return report;
    }

    /// <summary>The inputs: every .c file under a folder, a single .c file, or each record of a
    /// .jsonl file. A source that does not exist, or a folder with no C at all, is the user's error.</summary>
    private (List<Input> Inputs, List<Rejection> Early) Collect(string work)
    {
        var inputs = new List<Input>();
        var early = new List<Rejection>();
        if (options.Sources.Count == 0) throw new UserError("tasks import: give at least one SOURCE (a folder of C files or an ExeBench .jsonl file)");
        foreach (var source in options.Sources)
        {
            string full = Path.GetFullPath(source);
            if (Directory.Exists(full))
            {
                // Hidden folders (.git, editor and build caches) hold copies, not the project's code.
                var files = Directory.EnumerateFiles(full, "*.c", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden })
                    .Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0) throw new UserError($"tasks import: no C files (*.c) under {source}");
                inputs.AddRange(files.Select(f => new Input(inputs.Count, f, Path.GetRelativePath(Path.GetDirectoryName(full.TrimEnd('/'))!, f), full, null)));
                // Order must be unique: renumber after AddRange.
                for (int i = 0; i < inputs.Count; i++) inputs[i] = inputs[i] with { Order = i };
            }
            else if (File.Exists(full) && full.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            {
                var (records, rejections) = ExeBenchSource.Read(full, Path.GetFileName(full), Path.Combine(work, "exebench", Path.GetFileNameWithoutExtension(full)));
                early.AddRange(rejections);
                foreach (var rec in records) inputs.Add(new Input(inputs.Count, rec.CFile, rec.SourcePath, Path.GetDirectoryName(rec.CFile)!, rec.FunctionName));
                if (records.Count == 0 && rejections.Count == 0) throw new UserError($"tasks import: {source} holds no records");
            }
            else if (File.Exists(full) && full.EndsWith(".c", StringComparison.Ordinal))
                inputs.Add(new Input(inputs.Count, full, Path.GetFileName(full), Path.GetDirectoryName(full)!, null));
            else throw new UserError($"tasks import: {source} is not a folder, a .c file or a .jsonl file");
        }
        return (inputs, early);
    }

    private async Task<FileResult> ImportFileAsync(Input input, TrialServices services, ReferenceChecker checker, CancellationToken ct)
    {
        var accepted = new List<(int, ImportedTask)>();
        var rejections = new List<Rejection>();
        var sw = Stopwatch.StartNew();
        ParsedFile file;
        try
        {
            file = await ClangAst.ParseWithPreludeAsync(input.Path, input.DisplayName, [Path.GetDirectoryName(input.Path)!, input.IncludeRoot],
                services.Untrusted, services.Workspace.Dir("parse", input.Order.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
        }
        catch (UnparsableFileException e)
        {
            rejections.Add(new Rejection(input.DisplayName, null, e.Reason, e.Message));
            return new FileResult(input.Order, 0, 0, accepted, rejections, sw.Elapsed.TotalSeconds, 0, 0);
        }
        double parse = sw.Elapsed.TotalSeconds, build = 0, run = 0;
        int found = 0, candidates = 0;
        using (file)
        {
            foreach (var f in file.Definitions)
            {
                found++;
                string where = $"{input.DisplayName}:{file.LineOf(f.Span!.Value.Begin)}";
                if (input.OnlyFunction is not null && f.Name != input.OnlyFunction) { found--; continue; } // an ExeBench record's helpers are not functions of its own
                Rejection Reject(string reason, string detail) => new(where, f.Name, reason, detail);
                if (f.Name == "main") { rejections.Add(Reject(Reasons.Main, "a program's entry point, not a function to test")); continue; }
                FunctionShape shape;
                IReadOnlyList<(string, string)> gens;
                try
                {
                    shape = new TypeMapper(file).Map(f);
                    gens = GeneratorInference.Infer(shape.Signature);
                }
                catch (ShapeException e) { rejections.Add(Reject(e.Reason, e.Message)); continue; }
                candidates++;
                string refText;
                try { refText = ReferenceSource.Build(file, f, shape); }
                catch (DependencyException e) { rejections.Add(Reject(e.Reason, e.Message)); continue; }

                var sig = shape.Signature;
                var (spec, specFrom) = SpecText.For(sig, ReferenceSource.LeadingComment(file, f), where);
                string uid = $"{input.Order:D5}-{f.Name}";
                string dir = services.Workspace.Dir("candidates", uid);
                string refPath = Path.Combine(dir, "ref.c");
                await File.WriteAllTextAsync(refPath, refText, ct);
                var random = RandomSpec.Parse(GeneratorInference.RandomLine(options.Draws, gens), sig);
                var task = new TaskDefinition(f.Name!, dir, Category(sig), f.Name!, sig, shape.Types, false, 256,
                    new TaskVersion("v1", spec, refPath, [], random), null, null, null, []) { Origin = where, SpecFrom = specFrom };
                await File.WriteAllTextAsync(Path.Combine(dir, "task.h"), task.Header, ct);
                var drawn = Draw(task, random);
                var outcome = await checker.CheckAsync(task, uid, drawn, where, ct);
                build += outcome.BuildSeconds;
                run += outcome.RunSeconds;
                if (outcome.Rejection is { } rej) { rejections.Add(rej); continue; }
                var tests = outcome.Kept.Select((c, i) => c with { Index = i, Kind = "hand" }).ToList();
                accepted.Add((f.Span!.Value.Begin, new ImportedTask(f.Name!, where, task.Category, spec, specFrom, shape, refText, gens, tests, outcome.Dropped)));
            }
        }
        return new FileResult(input.Order, found, candidates, accepted, rejections, parse, build, run);
    }

    /// <summary>Seeded draws, without repeats (a repeated input tests nothing new).</summary>
    private List<TestCase> Draw(TaskDefinition task, RandomSpec random)
    {
        var rng = new SplitMix64(SplitMix64.SeedFrom(options.Seed, task.Name, task.Origin!, "import"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var cases = new List<TestCase>();
        for (int attempt = 0; attempt < random.Count * 4 && cases.Count < random.Count; attempt++)
        {
            var args = random.Draw(task.Signature, rng);
            string key = string.Join("|", task.Signature.Parameters.Select((p, i) => Values.ValueText.Canonical(args[i], p.Type)));
            if (seen.Add(key)) cases.Add(new TestCase(cases.Count, "random", args, null));
        }
        return cases;
    }

    private static string Category(Signature sig)
    {
        var types = sig.Parameters.Select(p => p.Type).Append(sig.Return).ToList();
        if (types.Any(t => t is PointerType { IsInputString: true } or PointerType { IsStringBuffer: true })) return "strings";
        if (types.Any(t => t is StructType or PointerType { Target: StructType })) return "structs";
        if (types.Any(t => t is PointerType)) return "arrays";
        return "arith";
    }
}
