using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sourceless.Neural;

/// <summary>How a checkpoint was made: the exact command, the seed and thread count that make it
/// reproducible, the corpus, and where training stood.</summary>
public sealed record TrainingInfo
{
    [JsonPropertyName("command")] public string Command { get; init; } = "";
    [JsonPropertyName("seed")] public ulong Seed { get; init; }
    [JsonPropertyName("threads")] public int Threads { get; init; }
    [JsonPropertyName("corpus")] public IReadOnlyList<string> Corpus { get; init; } = [];
    /// <summary>How the corpus was made: with it, <c>neural eval</c> tells seen from unseen
    /// held-out functions without the corpus files.</summary>
    [JsonPropertyName("corpus_recipe")] public IReadOnlyList<CorpusRecipe> CorpusRecipe { get; init; } = [];
    [JsonPropertyName("pairs")] public int Pairs { get; init; }
    [JsonPropertyName("targets")] public IReadOnlyList<string> Targets { get; init; } = [];
    [JsonPropertyName("batch")] public int Batch { get; init; }
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; }
    [JsonPropertyName("total_steps")] public long TotalSteps { get; init; }
    [JsonPropertyName("step")] public long Step { get; init; }
    [JsonPropertyName("pairs_seen")] public long PairsSeen { get; init; }
    [JsonPropertyName("tokens_seen")] public long TokensSeen { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
    /// <summary>The run whose weights this one started from (<c>--init-from</c>), or null for random weights.</summary>
    [JsonPropertyName("init_from")] public TrainingInfo? InitFrom { get; init; }

    /// <summary>Steps, pairs, tokens and seconds of a whole chain of runs up to and including
    /// <paramref name="info"/> (each run's own fields count only its own work): where the next
    /// run's learning curve starts. Zeros for no run.</summary>
    public static (long Step, long PairsSeen, long TokensSeen, double Seconds) Before(TrainingInfo? info)
    {
        (long Step, long PairsSeen, long TokensSeen, double Seconds) sum = (0, 0, 0, 0);
        for (var i = info; i is not null; i = i.InitFrom)
            sum = (sum.Step + i.Step, sum.PairsSeen + i.PairsSeen, sum.TokensSeen + i.TokensSeen, sum.Seconds + i.Seconds);
        return sum;
    }
}

/// <summary>
/// A model on disk: "SLNN1\n", a JSON header (shape, training info, whether optimizer state
/// follows), the weights as little-endian float32, then optionally Adam's moments. Written to a
/// temporary name and renamed, so a killed run leaves the previous checkpoint whole. The shipped
/// checkpoint carries weights only; a training checkpoint carries the optimizer too and resumes.
/// </summary>
public static class Checkpoint
{
    /// <summary>The checkpoint shipped in the repository (models/neural/model.ckpt).</summary>
    public static string ShippedPath => Path.Combine(Harness.SourcelessHome.Path, "models", "neural", Trainer.ModelCheckpoint);

    private static readonly byte[] Magic = "SLNN1\n"u8.ToArray();

    private sealed record Header(
        [property: JsonPropertyName("config")] ModelConfig Config,
        [property: JsonPropertyName("training")] TrainingInfo Training,
        [property: JsonPropertyName("optimizer_step")] long? OptimizerStep);

    public sealed record Loaded(Transformer Model, TrainingInfo Training, AdamW? Optimizer);

    public static void Save(string path, Transformer model, TrainingInfo info, AdamW? optimizer)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Harness.AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            var header = JsonSerializer.SerializeToUtf8Bytes(new Header(model.Config, info, optimizer?.Step));
            w.Write(header.Length);
            w.Write(header);
            Write(w, model.Weights);
            if (optimizer is not null) { Write(w, optimizer.M); Write(w, optimizer.V); }
        });
    }

    public static Loaded Load(string path, bool withOptimizer = false)
    {
        if (!File.Exists(path)) throw new UserError($"checkpoint {path} does not exist");
        using var stream = File.OpenRead(path);
        using var r = new BinaryReader(stream);
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw new UserError($"{path} is not a Sourceless checkpoint");
        if (stream.Length < Magic.Length + 4) throw new UserError($"{path} is truncated");
        int length = r.ReadInt32();
        if (length <= 0 || length > 1 << 20) throw new UserError($"{path}: corrupt header");
        var headerBytes = r.ReadBytes(length);
        if (headerBytes.Length != length) throw new UserError($"{path} is truncated");
        Header header;
        try { header = JsonSerializer.Deserialize<Header>(headerBytes) ?? throw new UserError($"{path}: corrupt header"); }
        catch (JsonException e) { throw new UserError($"{path}: corrupt header ({e.Message})"); }
        var model = new Transformer(header.Config);
        Read(r, model.Weights, path);
        AdamW? optimizer = null;
        if (withOptimizer && header.OptimizerStep is long step)
        {
            optimizer = new AdamW(model.Layout) { Step = step };
            Read(r, optimizer.M, path);
            Read(r, optimizer.V, path);
        }
        return new Loaded(model, header.Training, optimizer);
    }

    private static void Write(BinaryWriter w, float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        w.Write(bytes);
    }

    private static void Read(BinaryReader r, float[] into, string path)
    {
        var bytes = r.ReadBytes(into.Length * 4);
        if (bytes.Length != into.Length * 4) throw new UserError($"{path} is truncated");
        Buffer.BlockCopy(bytes, 0, into, 0, bytes.Length);
    }

    /// <summary>The header alone, as JSON text (for `sourceless neural info` and the report).</summary>
    public static string Describe(string path)
    {
        var loaded = Load(path);
        return JsonSerializer.Serialize(new { config = loaded.Model.Config, parameters = loaded.Model.Config.ParameterCount, training = loaded.Training },
            new JsonSerializerOptions { WriteIndented = true });
    }
}
