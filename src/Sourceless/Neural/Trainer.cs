using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sourceless.Corpus;
using Sourceless.Targets;

namespace Sourceless.Neural;

/// <summary>Everything one training run depends on. Same options, same seed and thread count:
/// same weights, bit for bit.</summary>
public sealed record TrainOptions
{
    public required IReadOnlyList<string> Corpus { get; init; }
    public required string Out { get; init; }
    public ModelConfig Config { get; init; } = new(Tokenizer.VocabSize, 192, 128, 3, 4, 512, Rope: true);
    public int Batch { get; init; } = 32;
    public double LearningRate { get; init; } = 2e-3;
    public long Steps { get; init; } = 4000;
    public long WarmupSteps { get; init; } = 200;
    public long EvalEvery { get; init; } = 1000;
    public int EvalCount { get; init; } = 200;
    public IReadOnlyList<int> EvalTiers { get; init; } = [1];
    public ulong EvalSeed { get; init; } = HeldOut.DefaultSeed;
    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int Limit { get; init; } = int.MaxValue;
    public ISet<int>? Tiers { get; init; }
    public bool Resume { get; init; }
    /// <summary>Start from this checkpoint's weights (<see cref="WarmStart"/>) instead of random ones.</summary>
    public string? InitFrom { get; init; }
    /// <summary>Stop (with a resumable checkpoint) at this step; the schedule still spans <see cref="Steps"/>.</summary>
    public long? StopAt { get; init; }
    public string Command { get; init; } = "";
    public required string Cache { get; init; }
    public TextWriter Log { get; init; } = Console.Error;
}

/// <summary>One row of train-log.jsonl: where training stood at an evaluation. The figures are
/// those of the first held-out tier (the headline, tier 1 by default); <see cref="ByTier"/> has
/// every tier's. A run started with --init-from counts steps, pairs, tokens and seconds from the
/// start of the first run, so one log is the whole chain's curve.</summary>
public sealed record LearningPoint(
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("pairs_seen")] long PairsSeen,
    [property: JsonPropertyName("tokens_seen")] long TokensSeen,
    [property: JsonPropertyName("train_loss")] double TrainLoss,
    [property: JsonPropertyName("heldout")] int HeldOut,
    [property: JsonPropertyName("exact")] double Exact,
    [property: JsonPropertyName("pass")] double Pass,
    [property: JsonPropertyName("unseen_pass")] double UnseenPass,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("by_tier")] IReadOnlyList<TierPoint>? ByTier = null);

/// <summary>One held-out tier's figures at an evaluation.</summary>
public sealed record TierPoint(
    [property: JsonPropertyName("tier")] int Tier,
    [property: JsonPropertyName("heldout")] int HeldOut,
    [property: JsonPropertyName("exact")] double Exact,
    [property: JsonPropertyName("pass")] double Pass,
    [property: JsonPropertyName("unseen")] int Unseen,
    [property: JsonPropertyName("unseen_pass")] double UnseenPass);

public sealed record TrainResult(string Checkpoint, TrainingInfo Info, IReadOnlyList<LearningPoint> Curve, double TokensPerSecond);

/// <summary>
/// <c>sourceless train</c>: AdamW with warm-up and cosine decay over batches of corpus pairs,
/// progress with loss and tokens per second, held-out evaluation (exact bytes and hidden-test
/// pass rate, judged in the sandbox) every so many steps, checkpoints written atomically, and a
/// resume that continues the same data order from the step it stopped at.
/// </summary>
public sealed class Trainer(TrainOptions options)
{
    public const string TrainCheckpoint = "train.ckpt", ModelCheckpoint = "model.ckpt", LogFile = "train-log.jsonl";

    public async Task<TrainResult> RunAsync(CancellationToken ct)
    {
        options.Config.Validate();
        ExprGen.RequireJudgeable(options.EvalTiers, "--eval-tiers");
        // The held-out judge builds harness/exprcheck.c: find the resources now, not at the first evaluation.
        if (options.EvalCount > 0) _ = Harness.SourcelessHome.HarnessDir;
        Directory.CreateDirectory(options.Out);
        Rows.Use(options.Threads);
        var log = options.Log;
        var data = await TrainingSet.LoadAsync(options.Corpus, options.Tiers, options.Config.Context, options.Limit, ct);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train: {data.Examples.Count} pairs ({data.TooLong} longer than the context of {options.Config.Context} and {data.Relocated} whose bytes need relocations left out), targets {string.Join(", ", data.Targets)}; model {options.Config.ParameterCount:N0} parameters"));

        string trainPath = Path.Combine(options.Out, TrainCheckpoint), logPath = Path.Combine(options.Out, LogFile);
        Transformer model;
        AdamW optimizer;
        long step = 0, pairsSeen = 0, tokensSeen = 0;
        double secondsBefore = 0;
        var curve = new List<LearningPoint>();
        TrainingInfo? initFrom = null;
        if (options.Resume && File.Exists(trainPath))
        {
            var loaded = Checkpoint.Load(trainPath, withOptimizer: true);
            if (loaded.Model.Config != options.Config) throw new UserError($"{trainPath} has shape {loaded.Model.Config}, not {options.Config}: use the same settings to resume");
            if (loaded.Training.Seed != options.Seed || loaded.Training.Threads != options.Threads)
                throw new UserError($"{trainPath} was trained with seed {loaded.Training.Seed} and {loaded.Training.Threads} threads; resume with the same");
            model = loaded.Model;
            initFrom = loaded.Training.InitFrom;
            optimizer = loaded.Optimizer ?? throw new UserError($"{trainPath} holds no optimizer state");
            (step, pairsSeen, tokensSeen, secondsBefore) = (loaded.Training.Step, loaded.Training.PairsSeen, loaded.Training.TokensSeen, loaded.Training.Seconds);
            curve.AddRange(TrainingLog.Read(logPath, log).Where(p => p.Step <= TrainingInfo.Before(initFrom).Step + step));
            log.WriteLine($"train: resuming {trainPath} at step {step}");
        }
        else
        {
            model = new Transformer(options.Config);
            model.Initialize(Tasks.SplitMix64.SeedFrom(options.Seed, "init"));
            if (options.InitFrom is { } from)
            {
                initFrom = WarmStart.Into(from, model);
                log.WriteLine($"train: starting from the weights of {from} ({initFrom.Step} steps, {initFrom.PairsSeen:N0} pairs seen)");
                // Its learning curve, when it lies next to it, opens this run's.
                string before = Path.Combine(Path.GetDirectoryName(from)!, LogFile);
                if (File.Exists(before)) curve.AddRange(TrainingLog.Read(before, log).Where(p => p.Step <= TrainingInfo.Before(initFrom).Step));
            }
            optimizer = new AdamW(model.Layout);
        }
        await File.WriteAllLinesAsync(logPath, curve.Select(p => JsonSerializer.Serialize(p)), ct);

        var evalTarget = Target.Parse(data.Targets[0]);
        string work = Path.Combine(options.Out, ".work");
        var judge = new ExprJudge(new Sandbox.Sandbox(Sandbox.SandboxLimits.Default, options.Threads), Tools.ToolRunner.Shared, work);
        // Seen means seen by any run of the chain: the one this started from trained on its own corpus.
        IReadOnlySet<string> seen = data.Bodies;
        if (initFrom is not null && options.EvalCount > 0)
        {
            if (CorpusRecipe.Bodies(initFrom.CorpusRecipe) is { } earlier) seen = new HashSet<string>(data.Bodies.Concat(earlier), StringComparer.Ordinal);
            else log.WriteLine("train: the checkpoint this run started from records no corpus recipe that can be made again: 'unseen' leaves out only this run's corpus");
        }
        var heldOut = options.EvalCount > 0 && options.EvalEvery > 0
            ? await HeldOut.BuildAsync(options.EvalTiers, options.EvalCount, options.EvalSeed, evalTarget,
                new CorpusCompiler(options.Cache, Path.Combine(options.Cache, ".work"), Tools.ToolRunner.Shared), judge, seen, ct)
            : [];
        if (heldOut.Count > 0)
            log.WriteLine($"train: {heldOut.Count} held-out functions for {evalTarget} (seed {options.EvalSeed}), {heldOut.Count(h => h.Seen)} of them also in the training set");

        var schedule = new Schedule(options.LearningRate, options.WarmupSteps, options.Steps);
        var clock = Stopwatch.StartNew();
        double lossAvg = double.NaN, lastPrint = -100;
        int skipped = 0;
        long tokensAtStart = tokensSeen;
        IReadOnlyList<int[]>? epochBatches = null;
        long epochOf = -1;
        TrainingInfo Info() => new()
        {
            Command = options.Command, Seed = options.Seed, Threads = options.Threads, Corpus = options.Corpus,
            CorpusRecipe = initFrom is null ? data.Recipes : CorpusRecipe.Union(data.Recipes, initFrom.CorpusRecipe), InitFrom = initFrom, Pairs = data.Examples.Count,
            Targets = data.Targets, Batch = options.Batch, LearningRate = options.LearningRate, TotalSteps = options.Steps, Step = step,
            PairsSeen = pairsSeen, TokensSeen = tokensSeen, Seconds = secondsBefore + clock.Elapsed.TotalSeconds,
        };
        var stepClock = new Stopwatch();
        async Task Evaluate()
        {
            if (heldOut.Count == 0) return;
            var results = await Evaluation.RunAsync(model, heldOut, judge, new SamplingOptions(MaxTokens: Evaluation.MaxCodeTokens), ct);
            var tiers = options.EvalTiers.Select(t => (Tier: t, S: EvaluationSummary.Of([.. results.Where(r => r.Item.Tier == t)]))).ToList();
            var s = tiers[0].S;
            var b = TrainingInfo.Before(initFrom);
            var point = new LearningPoint(b.Step + step, b.PairsSeen + pairsSeen, b.TokensSeen + tokensSeen, lossAvg, s.Count, s.ExactRate, s.PassRate, s.UnseenPassRate,
                b.Seconds + secondsBefore + clock.Elapsed.TotalSeconds,
                [.. tiers.Select(t => new TierPoint(t.Tier, t.S.Count, t.S.ExactRate, t.S.PassRate, t.S.UnseenCount, t.S.UnseenPassRate))]);
            curve.Add(point);
            await File.AppendAllTextAsync(logPath, JsonSerializer.Serialize(point) + "\n", ct);
            foreach (var (tier, summary) in tiers) log.WriteLine($"train: step {step}: held-out tier {tier}: {summary}");
        }

        int batchesPerEpoch = (data.Examples.Count + options.Batch - 1) / options.Batch;
        long end = Math.Min(options.Steps, options.StopAt ?? long.MaxValue);
        while (step < end)
        {
            ct.ThrowIfCancellationRequested();
            long epoch = step / batchesPerEpoch;
            if (epoch != epochOf) { epochBatches = data.Epoch(options.Seed, epoch, options.Batch); epochOf = epoch; }
            var indices = epochBatches![(int)(step % batchesPerEpoch)];
            var batch = Batch.From([.. indices.Select(i => (data.Examples[i].Tokens, data.Examples[i].CompletionStart))]);
            stepClock.Start();
            double loss = model.ForwardBackward(batch);
            if (!double.IsFinite(optimizer.Update(model.Weights, model.Gradients, schedule.At(step))) || !double.IsFinite(loss))
            {
                skipped++;
                log.WriteLine($"train: step {step + 1}: non-finite loss or gradient, update skipped ({skipped} so far)");
            }
            stepClock.Stop();
            step++;
            pairsSeen += batch.Count;
            tokensSeen += batch.Rows;
            if (double.IsFinite(loss)) lossAvg = double.IsNaN(lossAvg) ? loss : 0.98 * lossAvg + 0.02 * loss;
            double now = clock.Elapsed.TotalSeconds;
            if (now - lastPrint >= 5 || step == options.Steps)
            {
                lastPrint = now;
                double tps = (tokensSeen - tokensAtStart) / Math.Max(stepClock.Elapsed.TotalSeconds, 1e-9);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[train] step {step}/{options.Steps} loss {lossAvg:0.0000} lr {schedule.At(step - 1):0.0e0} {tps:N0} tok/s {(pairsSeen) / Math.Max(1, secondsBefore + now):0.0} pairs/s elapsed {Trials.ProgressReporter.Format(TimeSpan.FromSeconds(now))}"));
            }
            if (step % options.EvalEvery == 0 || step == options.Steps)
            {
                await Evaluate();
                Checkpoint.Save(trainPath, model, Info(), optimizer);
            }
        }
        if (step < options.Steps)
        {
            Checkpoint.Save(trainPath, model, Info(), optimizer);
            log.WriteLine($"train: stopped at step {step} of {options.Steps}; continue with --resume");
            return new TrainResult(trainPath, Info(), curve, (tokensSeen - tokensAtStart) / Math.Max(stepClock.Elapsed.TotalSeconds, 1e-9));
        }
        string modelPath = Path.Combine(options.Out, ModelCheckpoint);
        Checkpoint.Save(modelPath, model, Info(), null);
        Checkpoint.Save(trainPath, model, Info(), optimizer);
        // Training steps only: the held-out evaluations in between are not training throughput.
        double rate = (tokensSeen - tokensAtStart) / Math.Max(stepClock.Elapsed.TotalSeconds, 1e-9);
        return new TrainResult(modelPath, Info(), curve, rate);
    }
}
