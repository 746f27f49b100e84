using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sourceless.Corpus;
using Sourceless.Neural;
using Sourceless.Targets;

namespace Sourceless.Cli;

/// <summary><c>sourceless neural eval|sample|info</c>: the built-in model outside a trial.</summary>
public static class NeuralCommand
{
    public static string DefaultCheckpoint => Checkpoint.ShippedPath;

    public static Command Create()
    {
        var cmd = new Command("neural", "The built-in neural compiler outside a trial: evaluate a checkpoint on held-out functions, sample from it, describe it.");
        cmd.Subcommands.Add(Eval());
        cmd.Subcommands.Add(Sample());
        cmd.Subcommands.Add(Info());
        return cmd;
    }

    private static Option<string> CheckpointOption() =>
        new("--checkpoint") { Description = "Checkpoint file (default: the shipped models/neural/model.ckpt).", DefaultValueFactory = _ => DefaultCheckpoint };

    private static Command Eval()
    {
        var checkpoint = CheckpointOption();
        var tiers = new Option<string>("--tiers") { Description = "exprgen tiers to hold out (1 to 4; tier 5 takes pointers, the built-in tasks are its test).", DefaultValueFactory = _ => "1,2,3,4" };
        var count = new Option<int>("--count", "-n") { Description = "Held-out functions per tier.", DefaultValueFactory = _ => 200 };
        var seed = new Option<ulong>("--seed") { Description = "exprgen seed of the held-out set.", DefaultValueFactory = _ => HeldOut.DefaultSeed };
        var target = new Option<string>("--target") { Description = "Target to generate for (must be one the model was trained on).", DefaultValueFactory = _ => "x86_64/gcc/-O2" };
        var corpus = new Option<string?>("--corpus") { Description = "Training corpus folders: held-out functions whose body occurs there are marked 'seen' and reported apart. Default: the corpus recipe in the checkpoint (its exprgen programs made again), so no files are needed." };
        var temperature = new Option<double>("--temperature") { Description = "0 for greedy.", DefaultValueFactory = _ => 0 };
        var best = new Option<int>("--best") { Description = "Also evaluate @best:K: K samples per function at --best-temperature, the first right on the 3 visible inputs kept, scored on the 13 hidden ones (next to greedy scored the same way). 0: off.", DefaultValueFactory = _ => 0 };
        var bestTemperature = new Option<double>("--best-temperature") { Description = "Sampling temperature of --best.", DefaultValueFactory = _ => 0.8 };
        var show = new Option<int>("--show") { Description = "Print this many examples per tier (source, model bytes, compiler bytes, outcome).", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON on stdout." };
        var threads = new Option<int>("--threads") { Description = "Threads.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var cmd = new Command("eval", "Hidden-test pass rate of a checkpoint on held-out exprgen functions, per tier, judged in the sandbox: first on the functions whose body never occurs in its corpus (the headline), then on all, with exact-match bytes, next to the trivial baseline (the held-out set's most frequent compiler output given for every function).");
        foreach (var o in new Option[] { checkpoint, tiers, count, seed, target, corpus, temperature, best, bestTemperature, show, json, threads }) cmd.Options.Add(o);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            var tierList = CorpusOptions.ParseTiers(pr.GetValue(tiers));
            ExprGen.RequireJudgeable(tierList, "--tiers");
            int bestK = pr.GetValue(best);
            if (bestK is < 0 or > Contenders.Search.SearchStrategy.MaxCandidates)
                throw new UserError($"--best must be 0 (off) or 1 to {Contenders.Search.SearchStrategy.MaxCandidates}, got {bestK}");
            if (bestK > 1 && !(pr.GetValue(bestTemperature) > 0)) throw new UserError("--best K > 1 needs --best-temperature above 0: greedy draws the same bytes K times");
            Rows.Use(pr.GetValue(threads));
            var loaded = Checkpoint.Load(pr.GetValue(checkpoint)!);
            var model = loaded.Model;
            var t = Target.Parse(pr.GetValue(target)!);
            IReadOnlySet<string>? bodies = pr.GetValue(corpus) is { } c
                ? (await TrainingSet.LoadAsync([.. c.Split(',').Select(Path.GetFullPath)], null, model.Config.Context, int.MaxValue, ct)).Bodies
                : CorpusRecipe.Bodies(loaded.Training.CorpusRecipe);
            if (bodies is null)
                Console.Error.WriteLine("neural eval: the checkpoint records no corpus recipe that can be made again, and no --corpus was given: every function counts as unseen");
            string work = Path.Combine(Path.GetTempPath(), $"sourceless-neural-eval-{Environment.ProcessId}");
            try
            {
                var judge = new ExprJudge(new Sandbox.Sandbox(Sandbox.SandboxLimits.Default, Environment.ProcessorCount), Tools.ToolRunner.Shared, work);
                var compiler = new CorpusCompiler(CorpusOptions.DefaultCache, Path.Combine(CorpusOptions.DefaultCache, ".work"), Tools.ToolRunner.Shared);
                var rows = new List<object>();
                foreach (int tier in tierList)
                {
                    var items = await HeldOut.BuildAsync([tier], pr.GetValue(count), pr.GetValue(seed), t, compiler, judge, bodies, ct);
                    var results = await Evaluation.RunAsync(model, items, judge, new SamplingOptions(pr.GetValue(temperature), Evaluation.MaxCodeTokens, 1), ct);
                    var s = EvaluationSummary.Of(results);
                    var b = EvaluationSummary.Of(await Evaluation.BaselineAsync(items, judge, ct));
                    if (items.Count < pr.GetValue(count))
                        Console.Error.WriteLine($"tier {tier}: {items.Count} of {pr.GetValue(count)} functions held out; the other {pr.GetValue(count) - items.Count} did not compile or their compiler bytes need relocations (.rodata, calls), so they do not run alone");
                    Console.Error.WriteLine($"tier {tier}: {s}");
                    Console.Error.WriteLine($"tier {tier} trivial baseline (most frequent output): {b}");
                    foreach (var r in results.Take(pr.GetValue(show)))
                        Console.Error.WriteLine($"  {Tokenizer.Normalize(r.Item.Source)}\n    model    {Convert.ToHexStringLower(r.Bytes)}\n    compiler {Convert.ToHexStringLower(r.Item.Reference)}\n    {r.Outcome}{(r.ExactMatch ? ", exact" : "")}{(r.Item.Seen ? ", seen in training" : "")}");
                    var outcomes = results.GroupBy(r => r.Outcome).ToDictionary(g => g.Key, g => g.Count());
                    object? search = null;
                    if (bestK > 0)
                    {
                        var greedyHidden = EvaluationSummary.Of(await Evaluation.BestOfAsync(model, items, judge, 1, 0, 1, ct));
                        var picked = await Evaluation.BestOfAsync(model, items, judge, bestK, pr.GetValue(bestTemperature), 1, ct);
                        var bs = EvaluationSummary.Of(picked);
                        var inv = CultureInfo.InvariantCulture;
                        Console.Error.WriteLine(string.Create(inv, $"tier {tier}, scored on the {ExprJudge.Hidden.Count} hidden inputs only (visible: {string.Join(',', ExprJudge.Visible)}):"));
                        Console.Error.WriteLine($"  greedy:  {greedyHidden}");
                        Console.Error.WriteLine(string.Create(inv, $"  @best:{bestK} at T={pr.GetValue(bestTemperature)}: {bs}; {picked.Count(p => p.Outcome == "none_passed_visible")} with no sample right on the visible inputs"));
                        search = new { k = bestK, temperature = pr.GetValue(bestTemperature), visible = ExprJudge.Visible, hidden = ExprJudge.Hidden.Count,
                            greedy_unseen_passed = greedyHidden.UnseenPassed, greedy_unseen_pass_rate = Math.Round(greedyHidden.UnseenPassRate, 4),
                            best_unseen_passed = bs.UnseenPassed, best_unseen_pass_rate = Math.Round(bs.UnseenPassRate, 4), best_passed = bs.Passed, best_pass_rate = Math.Round(bs.PassRate, 4),
                            none_passed_visible = picked.Count(p => p.Outcome == "none_passed_visible") };
                    }
                    rows.Add(new { tier, unseen = s.UnseenCount, unseen_passed = s.UnseenPassed, unseen_pass_rate = Math.Round(s.UnseenPassRate, 4),
                        count = s.Count, passed = s.Passed, exact = s.Exact, pass_rate = Math.Round(s.PassRate, 4), exact_rate = Math.Round(s.ExactRate, 4),
                        baseline_unseen_passed = b.UnseenPassed, baseline_unseen_pass_rate = Math.Round(b.UnseenPassRate, 4), baseline_passed = b.Passed,
                        baseline_pass_rate = Math.Round(b.PassRate, 4), outcomes, search });
                }
                if (pr.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(new { checkpoint = pr.GetValue(checkpoint), target = t.Id, seed = pr.GetValue(seed), tiers = rows }));
                return 0;
            }
            finally { if (Directory.Exists(work)) Directory.Delete(work, true); }
        }));
        return cmd;
    }

    private static Command Sample()
    {
        var checkpoint = CheckpointOption();
        var source = new Argument<string>("source") { Description = "C source of one function, or @FILE to read it from a file." };
        var target = new Option<string>("--target") { Description = "Target tag.", DefaultValueFactory = _ => "x86_64/gcc/-O2" };
        var k = new Option<int>("-k") { Description = "Samples.", DefaultValueFactory = _ => 1 };
        var temperature = new Option<double>("--temperature") { Description = "0 for greedy (then all k samples are the same).", DefaultValueFactory = _ => 0 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most code bytes per sample.", DefaultValueFactory = _ => 256 };
        var seed = new Option<ulong>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 1 };
        var cmd = new Command("sample", "Generate machine code bytes for a C function and print them as hex, one sample per line (bytes are data here: nothing is run).");
        cmd.Arguments.Add(source);
        foreach (var o in new Option[] { checkpoint, target, k, temperature, maxTokens, seed }) cmd.Options.Add(o);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(() =>
        {
            Blas.UseThreads(1);
            var model = Checkpoint.Load(pr.GetValue(checkpoint)!).Model;
            string text = pr.GetValue(source)!;
            if (text.StartsWith('@')) text = File.Exists(text[1..]) ? File.ReadAllText(text[1..]) : throw new UserError($"no file {text[1..]}");
            var prompt = Tokenizer.Prompt(text, Target.Parse(pr.GetValue(target)!));
            if (prompt.Length >= model.Config.Context) throw new UserError($"the source is {prompt.Length} tokens; the model's context is {model.Config.Context}");
            int n = Math.Max(1, pr.GetValue(k));
            var outs = new Decoder(model).Generate([.. Enumerable.Repeat(prompt, n)],
                [.. Enumerable.Range(0, n).Select(i => new SamplingOptions(pr.GetValue(temperature), Math.Clamp(pr.GetValue(maxTokens), 1, 4096), Tasks.SplitMix64.SeedFrom(pr.GetValue(seed), i)))]);
            foreach (var o in outs) Console.WriteLine(Convert.ToHexStringLower(o.Bytes) + (o.Finished ? "" : "  # stopped at the length limit"));
            return Task.FromResult(0);
        }));
        return cmd;
    }

    private static Command Info()
    {
        var checkpoint = CheckpointOption();
        var cmd = new Command("info", "Print a checkpoint's shape and how it was trained (command, seed, corpus, steps).");
        cmd.Options.Add(checkpoint);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(() => { Console.WriteLine(Checkpoint.Describe(pr.GetValue(checkpoint)!)); return Task.FromResult(0); }));
        return cmd;
    }
}
