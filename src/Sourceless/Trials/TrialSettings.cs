using System.Text.Json;
using System.Text.Json.Serialization;
using Sourceless.Store;

namespace Sourceless.Trials;

/// <summary>
/// The trial's settings, resolved (task names, canonical contender names, target ids, the fault
/// tasks chosen, each contender kind's own settings) and stored once, as one JSON value under the
/// trial key <see cref="Key"/>. Everything that runs or reports a trial reads this record, loaded
/// once (<see cref="Load"/>); nothing reads settings from the store key by key. Defaults live in
/// <see cref="TrialOptions"/> (what the user asked for), never here.
/// </summary>
public sealed record TrialSettings
{
    public const string Key = "settings";

    [JsonPropertyName("tasks")] public required IReadOnlyList<string> Tasks { get; init; }
    [JsonPropertyName("contenders")] public required IReadOnlyList<string> Contenders { get; init; }
    [JsonPropertyName("targets")] public required IReadOnlyList<string> Targets { get; init; }
    [JsonPropertyName("seed")] public ulong Seed { get; init; } = 1;
    [JsonPropertyName("generations")] public int Generations { get; init; } = 1;
    /// <summary>Cases per task version set apart as visible examples: AI contenders may see them and
    /// run candidates on them; only the other (hidden) cases score.</summary>
    [JsonPropertyName("visible")] public int Visible { get; init; }
    /// <summary>Bit flips per artifact in the interpretability experiment.</summary>
    [JsonPropertyName("flips")] public int FlipBudget { get; init; }
    /// <summary>Source typos per task and compiler in the interpretability experiment.</summary>
    [JsonPropertyName("typos")] public int TypoBudget { get; init; }
    /// <summary>The tasks faults are injected into and the gdb checklist runs on (names).</summary>
    [JsonPropertyName("fault_tasks")] public IReadOnlyList<string> FaultTasks { get; init; } = [];
    /// <summary>The task suite folder, absolute (several, comma-separated, with --suite A,B).</summary>
    [JsonPropertyName("suite")] public string Suite { get; init; } = "";
    [JsonPropertyName("learning_curve")] public bool LearningCurve { get; init; }
    /// <summary>Each contender kind's own settings (its options), by prefix; the name of an API
    /// key's variable is stored, never the key.</summary>
    [JsonPropertyName("contender_settings")] public IReadOnlyDictionary<string, string> KindSettings { get; init; } = new Dictionary<string, string>();
    /// <summary>Each task's content hash when the run began: --resume refuses changed tasks.</summary>
    [JsonPropertyName("task_hashes")] public IReadOnlyDictionary<string, string> TaskHashes { get; init; } = new Dictionary<string, string>();

    /// <summary>"K/N": this run holds the tasks whose index in <see cref="Tasks"/> is K modulo N
    /// (0/1: all of them); 'trial merge' joins the N shards into the unsharded trial.</summary>
    [JsonPropertyName("shard")] public string Shard { get; init; } = "0/1";

    /// <summary>With several suites (or an imported one): suite label -> its task names.</summary>
    [JsonPropertyName("suite_tasks")] public IReadOnlyDictionary<string, IReadOnlyList<string>> SuiteTasks { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Tasks imported from real code (no change request, no planted vulnerability).</summary>
    [JsonPropertyName("imported_tasks")] public IReadOnlyList<string> ImportedTasks { get; init; } = [];

    [JsonIgnore] public (int K, int N) ShardParts => Corpus.CorpusOptions.ParseShard(Shard);

    /// <summary>Whether the task at this index of <see cref="Tasks"/> is this shard's. Partitioning by
    /// task keeps every experiment of a task (its plans, generations, faults) in one shard.</summary>
    public bool Holds(int taskIndex) => taskIndex % ShardParts.N == ShardParts.K;

    /// <summary>The settings (by stored name) in which another run differs from this one, the shard
    /// and the suite's path left aside (shards run on machines with checkouts at other paths; the
    /// task hashes say whether the tasks are the same): empty when both are shards of one trial.</summary>
    public IReadOnlyList<string> DifferencesFrom(TrialSettings other)
    {
        var mine = JsonSerializer.SerializeToNode(this with { Shard = "0/1", Suite = "" }, Json)!.AsObject();
        var theirs = JsonSerializer.SerializeToNode(other with { Shard = "0/1", Suite = "" }, Json)!.AsObject();
        return mine.Select(kv => kv.Key).Union(theirs.Select(kv => kv.Key))
            .Where(k => !System.Text.Json.Nodes.JsonNode.DeepEquals(mine[k], theirs[k])).ToList();
    }

    [JsonIgnore] public IReadOnlyList<string> Isas => Targets.Select(t => t.Split('/')[0]).Distinct().ToList();

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Store(TrialStore store) => store.SetTrial(Key, ToJson());

    /// <summary>The stored settings of a run; a store without them was not made by a trial.</summary>
    public static TrialSettings Load(TrialStore store) =>
        store.GetTrial(Key) is { } json
            ? JsonSerializer.Deserialize<TrialSettings>(json, Json) ?? throw new InvalidOperationException($"{store.Path}: trial settings are null")
            : throw new UserError($"{store.Path} holds no trial settings: it is not a trial's store, or the trial never started");

    /// <summary>The settings as flat key/value pairs, for the report's settings table and
    /// results.json, made from the stored JSON itself so a new setting cannot be left out: strings
    /// as they are, lists joined with commas, true/false as 1/0, anything else as JSON. Empty lists
    /// and maps are left out (a default trial shows what it always showed).</summary>
    public IEnumerable<KeyValuePair<string, string>> Describe()
    {
        foreach (var (key, node) in JsonSerializer.SerializeToNode(this, Json)!.AsObject())
        {
            if (key == "task_hashes") continue; // 53 hashes: in the store, not in the report's table
            if (key == "contender_settings")
            {
                foreach (var (kind, json) in KindSettings.OrderBy(kv => kv.Key, StringComparer.Ordinal)) yield return new($"{kind}_settings", json);
                continue;
            }
            switch (node)
            {
                case System.Text.Json.Nodes.JsonArray { Count: 0 }:
                case System.Text.Json.Nodes.JsonObject { Count: 0 }:
                    continue;
                case System.Text.Json.Nodes.JsonArray array when array.All(x => x is System.Text.Json.Nodes.JsonValue):
                    yield return new(key, string.Join(',', array.Select(x => x!.ToString())));
                    break;
                case System.Text.Json.Nodes.JsonValue v when v.GetValueKind() == JsonValueKind.True || v.GetValueKind() == JsonValueKind.False:
                    yield return new(key, v.GetValue<bool>() ? "1" : "0");
                    break;
                case System.Text.Json.Nodes.JsonValue v:
                    yield return new(key, v.ToString());
                    break;
                default:
                    yield return new(key, node?.ToJsonString() ?? "");
                    break;
            }
        }
    }
}
