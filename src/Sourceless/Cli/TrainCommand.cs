using System.CommandLine;
using System.Globalization;
using Sourceless.Corpus;
using Sourceless.Neural;

namespace Sourceless.Cli;

/// <summary><c>sourceless train</c>: trains the built-in neural compiler on corpus pairs.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var corpus = new Option<string>("--corpus") { Description = "Corpus folders made by 'sourceless corpus', comma-separated.", Required = true };
        var outDir = new Option<string>("--out", "-o") { Description = "Folder for train.ckpt (resumable), model.ckpt (weights only) and train-log.jsonl (the learning curve).", Required = true };
        var steps = new Option<long>("--steps") { Description = "Optimizer steps.", DefaultValueFactory = _ => 4000 };
        var batch = new Option<int>("--batch") { Description = "Pairs per step.", DefaultValueFactory = _ => 32 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (linear warm-up, cosine decay to a tenth).", DefaultValueFactory = _ => 2e-3 };
        var warmup = new Option<long>("--warmup") { Description = "Warm-up steps.", DefaultValueFactory = _ => 200 };
        var dim = new Option<int>("--dim") { Description = "Model width.", DefaultValueFactory = _ => 128 };
        var layers = new Option<int>("--layers") { Description = "Transformer layers.", DefaultValueFactory = _ => 3 };
        var heads = new Option<int>("--heads") { Description = "Attention heads (must divide --dim).", DefaultValueFactory = _ => 4 };
        var mlp = new Option<int>("--mlp") { Description = "MLP width (default 4 x --dim)." };
        var context = new Option<int>("--context") { Description = "Longest sequence in tokens (prompt + code + EOS); longer pairs are left out. A batch is padded only to its longest pair, so a long context costs short pairs only its position table.", DefaultValueFactory = _ => 1024 };
        var rope = new Option<bool>("--rope") { Description = "Rotary position embeddings in attention (relative positions); --rope false for learned absolute positions only.", DefaultValueFactory = _ => true };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initial weights and the data order.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Threads (OpenBLAS and row loops). Same seed and thread count give the same weights.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var evalEvery = new Option<long>("--eval-every") { Description = "Steps between held-out evaluations and checkpoints (0: only at the end).", DefaultValueFactory = _ => 1000 };
        var evalCount = new Option<int>("--eval-count") { Description = "Held-out functions per tier (0: no evaluation).", DefaultValueFactory = _ => 200 };
        var evalTiers = new Option<string>("--eval-tiers") { Description = "exprgen tiers of the held-out set (1 to 4; the first is the learning curve's headline, every tier's figures are in by_tier).", DefaultValueFactory = _ => "1" };
        var evalSeed = new Option<ulong>("--eval-seed") { Description = "exprgen seed of the held-out set (keep it apart from the corpus's seed).", DefaultValueFactory = _ => HeldOut.DefaultSeed };
        var tiers = new Option<string?>("--tiers") { Description = "Use only corpus pairs of these exprgen tiers (default: all)." };
        var limit = new Option<int>("--limit") { Description = "Use at most this many pairs (the learning curve's knob).", DefaultValueFactory = _ => int.MaxValue };
        var resume = new Option<bool>("--resume") { Description = "Continue --out/train.ckpt from its step, with the same data order." };
        var stopAt = new Option<long?>("--stop-at") { Description = "Stop at this step with a resumable train.ckpt (the schedule still spans --steps); continue with --resume." };
        var initFrom = new Option<string?>("--init-from") { Description = "Start from this checkpoint's weights instead of random ones (same shape; the context may be longer: new positions start fresh). Its training record and corpus recipe are kept in the new checkpoint." };
        var cache = new Option<string?>("--cache") { Description = "Compile cache for the held-out set (default: the corpus cache)." };
        var cmd = new Command("train",
            "Train the built-in neural compiler (a byte-level decoder-only transformer written in C#, products through OpenBLAS) on source/binary pairs: " +
            "prints loss and tokens per second, evaluates held-out functions (exact bytes and hidden-test pass rate, run in the sandbox), " +
            "checkpoints atomically, resumes with --resume, deterministic for a seed and thread count.");
        foreach (var o in new Option[] { corpus, outDir, steps, batch, lr, warmup, dim, layers, heads, mlp, context, rope, seed, threads, evalEvery, evalCount, evalTiers, evalSeed, tiers, limit, resume, stopAt, initFrom, cache })
            cmd.Options.Add(o);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            int d = pr.GetValue(dim);
            if (pr.GetValue(steps) < 1) throw new UserError("--steps must be at least 1");
            if (pr.GetValue(batch) < 1) throw new UserError("--batch must be at least 1");
            if (pr.GetValue(threads) < 1) throw new UserError("--threads must be at least 1");
            if (!(pr.GetValue(lr) > 0)) throw new UserError("--lr must be positive");
            var options = new TrainOptions
            {
                Corpus = [.. pr.GetValue(corpus)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Path.GetFullPath)],
                Out = Path.GetFullPath(pr.GetValue(outDir)!),
                Config = new ModelConfig(Tokenizer.VocabSize, pr.GetValue(context), d, pr.GetValue(layers), pr.GetValue(heads), pr.GetValue(mlp) is > 0 and var m ? m : 4 * d, pr.GetValue(rope)),
                Batch = pr.GetValue(batch), LearningRate = pr.GetValue(lr), Steps = pr.GetValue(steps), WarmupSteps = pr.GetValue(warmup),
                EvalEvery = pr.GetValue(evalEvery) is > 0 and var e ? e : pr.GetValue(steps), EvalCount = pr.GetValue(evalCount),
                EvalTiers = CorpusOptions.ParseTiers(pr.GetValue(evalTiers)), EvalSeed = pr.GetValue(evalSeed), Seed = pr.GetValue(seed),
                Threads = pr.GetValue(threads), Limit = pr.GetValue(limit),
                Tiers = pr.GetValue(tiers) is { } t ? CorpusOptions.ParseTiers(t).ToHashSet() : null,
                Resume = pr.GetValue(resume), InitFrom = pr.GetValue(initFrom) is { } i ? Path.GetFullPath(i) : null, StopAt = pr.GetValue(stopAt), Cache = Path.GetFullPath(pr.GetValue(cache) ?? CorpusOptions.DefaultCache),
                Command = "sourceless " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Select(Tools.CommandLine.Quote)),
            };
            var result = await new Trainer(options).RunAsync(ct);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train: {result.Info.Step} steps, {result.Info.PairsSeen:N0} pairs seen, {result.TokensPerSecond:N0} training tokens/s; weights in {result.Checkpoint}"));
            Console.WriteLine(result.Checkpoint);
            return 0;
        }));
        return cmd;
    }
}
