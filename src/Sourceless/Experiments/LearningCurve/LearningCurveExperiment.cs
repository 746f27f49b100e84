using System.Globalization;
using System.Text.Json;
using Sourceless.Contenders;
using Sourceless.Corpus;
using Sourceless.Neural;
using Sourceless.Store;
using Sourceless.Trials;
using static Sourceless.Experiments.ExperimentRuns;

namespace Sourceless.Experiments.LearningCurve;

/// <summary>
/// The training-data claim taken one step further: does more compiler output make a better
/// neural compiler? Every trial with the neural contender stores the shipped checkpoint's own
/// learning curve (its train-log.jsonl: held-out exact-match and pass rate against pairs seen).
/// <c>sourceless trial --learning-curve</c> also trains fresh models here on 1,000, 4,000 and
/// 16,000 tier-1 pairs (same shape, same step budget, same held-out set) and stores where each
/// ends. Rows in table learning_curve; the compiler's own pass rate on those functions is 100%
/// by construction (its answers are the expected values).
/// </summary>
public sealed class LearningCurveExperiment : IExperiment
{
    public static readonly int[] Sizes = [1000, 4000, 16000];
    public const int Steps = 400, HeldOutCount = 100;

    public string Id => "learning-curve";
    public Concern Concern => Concern.TrainingData;
    public IEnumerable<WorkItem> Plan(TrialContext context)
    {
        if (!context.Facts.Contenders.Any(c => ContenderRegistry.KindOf(c) is NeuralContender.Kind)) yield break;
        var slot = context.Slots.FirstOrDefault();
        if (slot is null) yield break;
        yield return new WorkItem($"{Id}|shipped", "", "", slot.Target, slot.Target.Isa, 0);
        if (context.Facts.LearningCurve)
            foreach (int n in Sizes) yield return new WorkItem($"{Id}|pairs-{n}", "", "", slot.Target, slot.Target.Isa, 0);
    }

    public async Task<IReadOnlyList<IRow>> RunAsync(WorkItem item, TrialContext context, CancellationToken ct)
    {
        if (item.Key.EndsWith("|shipped", StringComparison.Ordinal))
        {
            string log = Path.Combine(Path.GetDirectoryName(NeuralContender.DefaultCheckpointPath)!, Trainer.LogFile);
            var points = TrainingLog.Read(log);
            var info = Checkpoint.Load(NeuralContender.DefaultCheckpointPath).Training;
            return [.. points.Select(p => Row($"shipped|{p.Step}", "shipped checkpoint", info.Pairs, p))];
        }
        int size = int.Parse(item.Key[(item.Key.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);
        string runDir = Path.Combine(Path.GetDirectoryName(context.Store.Path)!, "learning-curve");
        string corpus = await CorpusAsync(runDir, context, ct);
        string outDir = Path.Combine(runDir, $"pairs-{size}");
        if (Directory.Exists(outDir)) Directory.Delete(outDir, true); // a resumed trial redoes the run whole
        var shipped = File.Exists(NeuralContender.DefaultCheckpointPath) ? Checkpoint.Load(NeuralContender.DefaultCheckpointPath).Model.Config : new TrainOptions { Corpus = [], Out = "", Cache = "" }.Config;
        var result = await new Trainer(new TrainOptions
        {
            Corpus = [corpus], Out = outDir, Config = shipped, Limit = size, Steps = Steps, WarmupSteps = 40, EvalEvery = Steps,
            EvalCount = HeldOutCount, Seed = context.Facts.Seed, Threads = 1, LearningRate = 3e-3,
            Cache = context.Services.Workspace.Dir("corpus-cache"), Log = TextWriter.Null,
            Command = $"sourceless trial --learning-curve (pairs {size}, {Steps} steps)",
        }).RunAsync(ct);
        var last = result.Curve[^1];
        return [Row($"trained|{size}", $"trained here on {size} pairs", size, last)];
    }

    private static readonly SemaphoreSlim CorpusGate = new(1, 1);

    /// <summary>The largest size's corpus, made once and shared: the smaller runs take its first pairs.</summary>
    private static async Task<string> CorpusAsync(string runDir, TrialContext context, CancellationToken ct)
    {
        string folder = Path.Combine(runDir, "corpus");
        await CorpusGate.WaitAsync(ct);
        try
        {
            var options = new CorpusOptions(["exprgen"], [1], Sizes.Max(), [Targets.Target.Parse("x86_64/gcc/-O2")], folder, "parquet", 0, 1,
                context.Facts.Seed + 1000, context.Services.Jobs, 4000, context.Services.Workspace.Dir("corpus-cache"));
            await new CorpusRunner(options, context.Services.Tools).RunAsync(ct);
            return folder;
        }
        finally { CorpusGate.Release(); }
    }

    private static LearningCurveRow Row(string id, string source, int available, LearningPoint p) =>
        new(id, source, available, p.Step, p.PairsSeen, p.TokensSeen, double.IsNaN(p.TrainLoss) ? null : p.TrainLoss, p.HeldOut, p.Exact, p.Pass, p.UnseenPass, p.Seconds);

    public ReportSection Report(TrialStore store, TrialSettings facts)
    {
        const string sql = "SELECT source, pairs_available, step, pairs_seen, train_loss, heldout, exact, pass, unseen_pass FROM learning_curve ORDER BY source DESC, pairs_seen";
        var rows = store.Rows<Point>(sql);
        if (rows.Count == 0)
            return new ReportSection(Id, Concern, "Learning curve of the neural compiler", "No neural contender in this trial.", "no 0-100 score", sql, [], [], []);
        string Label(Point r) => S(r.Source).StartsWith("shipped", StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"{D(r.PairsSeen) / 1000:0}k seen")
            : string.Create(CultureInfo.InvariantCulture, $"{D(r.PairsAvailable) / 1000:0}k pairs");
        var cats = rows.Select(Label).ToList();
        var bars = new BarSeries("Held-out tier-1 functions (x86_64/gcc/-O2): pass rate and exact bytes against training pairs; the compiler is 100% by construction", cats,
        [
            ("pass on unseen functions %", rows.Select(r => 100 * D(r.UnseenPass)).ToList()),
            ("pass %", rows.Select(r => 100 * D(r.Pass)).ToList()),
            ("exact bytes %", rows.Select(r => 100 * D(r.Exact)).ToList()),
            ("compiler %", rows.Select(_ => 100.0).ToList()),
        ], "%");
        var last = rows.Where(r => S(r.Source).StartsWith("shipped", StringComparison.Ordinal)).LastOrDefault();
        return new ReportSection(Id, Concern, "Learning curve of the neural compiler",
            "The built-in model learns to write machine code from compiler output alone. Each point is a held-out evaluation: fresh exprgen tier-1 functions " +
            "(a seed the corpus does not use), greedy decoding, the bytes run on 16 hidden inputs in the sandbox. " +
            (last is null ? "" : string.Create(CultureInfo.InvariantCulture,
                $"The shipped checkpoint ends at {100 * D(last.UnseenPass):0.0}% pass on functions whose body never occurs in its corpus (the honest figure: it can pass a function it saw by recall), " +
                $"{100 * D(last.Pass):0.0}% on all held-out functions and {100 * D(last.Exact):0.0}% exact bytes, after {D(last.PairsSeen):N0} pairs seen. ")) +
            "Rows labelled 'pairs' were trained inside this trial (--learning-curve) on that many pairs with the same budget of steps.",
            "pass = functions whose bytes return the compiler's value on all 16 hidden inputs / held-out functions (unseen: only those whose body is not in the corpus); exact = bytes equal to the compiler's / held-out functions; no 0-100 score",
            sql, [],
            [new ReportTable("Learning curve rows", ["source", "pairs available", "step", "pairs seen", "train loss", "held-out", "pass (unseen)", "pass", "exact"],
                rows.Select(r => (IReadOnlyList<string>)[S(r.Source), S(r.PairsAvailable), S(r.Step), S(r.PairsSeen),
                    r.TrainLoss is null ? "" : D(r.TrainLoss).ToString("0.000", CultureInfo.InvariantCulture), S(r.Heldout),
                    (100 * D(r.UnseenPass)).ToString("0.0", CultureInfo.InvariantCulture) + "%", (100 * D(r.Pass)).ToString("0.0", CultureInfo.InvariantCulture) + "%",
                    (100 * D(r.Exact)).ToString("0.0", CultureInfo.InvariantCulture) + "%"]).ToList())],
            [bars]);
    }

    private sealed record Point(string Source, int PairsAvailable, long Step, long PairsSeen, double? TrainLoss, int Heldout, double Exact, double Pass,
        double UnseenPass);
}

/// <summary>One held-out evaluation of a neural model (table learning_curve).</summary>
[Table("learning_curve")]
public sealed record LearningCurveRow(string RowId, string Source, int PairsAvailable, long Step, long PairsSeen, long TokensSeen, double? TrainLoss,
    int Heldout, double Exact, double Pass, double UnseenPass, double Seconds) : IRow;
