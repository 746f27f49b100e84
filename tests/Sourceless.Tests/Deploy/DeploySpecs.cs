using System.Text.RegularExpressions;

namespace Sourceless.Tests.Deploy;

/// <summary>
/// deploy/: the Kubernetes manifests and the image they run. No cluster and no Docker here, so
/// these read the files: every manifest parses, an Indexed Job's N is the same in completions,
/// parallelism and --shard, the merge job names exactly the shard folders the trial job writes,
/// and the Dockerfile installs exactly the launcher's packages on a base image that exists.
/// </summary>
[Trait(Quick.Trait, Quick.Value)]
public sealed partial class DeploySpecs
{
    private static string K8s => Path.Combine(Repo.Root, "deploy", "k8s");
    private static string Dockerfile => File.ReadAllText(Path.Combine(Repo.Root, "deploy", "Dockerfile"));

    private static IEnumerable<(string Name, Dictionary<string, object?> Doc)> Manifests() =>
        Directory.GetFiles(K8s, "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), (Dictionary<string, object?>)YamlLite.Parse(File.ReadAllText(f))!));

    /// <summary>The shell text a job's first container runs: command and args, joined.</summary>
    private static string CommandLine(Dictionary<string, object?> job)
    {
        var container = YamlLite.At(job, "spec.template.spec.containers.0");
        var parts = new List<string>();
        foreach (var key in new[] { "command", "args" })
            if (YamlLite.At(container, key) is List<object?> list) parts.AddRange(list.Select(o => o?.ToString() ?? ""));
        return string.Join(' ', parts);
    }

    private static int Int(object? value, string what) =>
        int.TryParse(value as string, out int n) ? n : throw new Xunit.Sdk.XunitException($"{what} is not a number: {value}");

    [Fact]
    public void Every_manifest_parses_as_a_job_with_a_container()
    {
        var names = Manifests().Select(m => m.Name).ToList();
        Assert.Contains("corpus-indexed-job.yaml", names);
        Assert.Contains("trial-indexed-job.yaml", names);
        Assert.Contains("trial-merge-job.yaml", names);
        foreach (var (name, doc) in Manifests())
        {
            Assert.Equal("batch/v1", YamlLite.At(doc, "apiVersion"));
            Assert.Equal("Job", YamlLite.At(doc, "kind"));
            Assert.False(string.IsNullOrEmpty(YamlLite.At(doc, "metadata.name") as string), name);
            Assert.False(string.IsNullOrEmpty(YamlLite.At(doc, "spec.template.spec.containers.0.image") as string), name);
            Assert.Contains("./sourceless ", CommandLine(doc));
        }
    }

    [Fact]
    public void An_indexed_jobs_N_is_the_same_in_completions_parallelism_and_every_shard_argument()
    {
        var indexed = Manifests().Where(m => YamlLite.At(m.Doc, "spec.completionMode") as string == "Indexed").ToList();
        Assert.Equal(["corpus-indexed-job.yaml", "trial-indexed-job.yaml"], indexed.Select(m => m.Name));
        foreach (var (name, doc) in indexed)
        {
            int completions = Int(YamlLite.At(doc, "spec.completions"), name + " completions");
            int parallelism = Int(YamlLite.At(doc, "spec.parallelism"), name + " parallelism");
            Assert.Equal(completions, parallelism);
            var shards = ShardArgument().Matches(CommandLine(doc));
            Assert.NotEmpty(shards);
            foreach (Match m in shards)
            {
                Assert.Equal("${JOB_COMPLETION_INDEX}", m.Groups["k"].Value);
                Assert.Equal(completions, int.Parse(m.Groups["n"].Value));
            }
        }
    }

    [Fact]
    public void The_merge_job_names_exactly_the_shard_folders_the_trial_job_writes()
    {
        var trial = Manifests().Single(m => m.Name == "trial-indexed-job.yaml").Doc;
        var merge = Manifests().Single(m => m.Name == "trial-merge-job.yaml").Doc;
        int n = Int(YamlLite.At(trial, "spec.completions"), "completions");
        string run = CommandLine(trial);

        // The folder a fresh shard writes, the one a restarted pod resumes, and the one whose
        // store decides between the two are the same folder.
        string outPattern = Unquote(Single(OutArgument().Matches(run)).Groups["out"].Value);
        Assert.Contains("${JOB_COMPLETION_INDEX}", outPattern);
        Assert.Equal(outPattern, Unquote(Single(ResumeArgument().Matches(run)).Groups["dir"].Value));
        Assert.Contains($"-f \"{outPattern}/results.duckdb\"", run);

        var m = MergeCommand().Match(CommandLine(merge));
        Assert.True(m.Success, "the merge job runs ./sourceless trial merge RUN... --out RUN");
        var named = m.Groups["runs"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Unquote).ToList();
        var written = Enumerable.Range(0, n).Select(k => outPattern.Replace("${JOB_COMPLETION_INDEX}", k.ToString())).ToList();
        Assert.Equal(written, named);
        Assert.DoesNotContain(Unquote(m.Groups["out"].Value), written);
        Assert.Equal(YamlLite.At(trial, "spec.template.spec.volumes.0.persistentVolumeClaim.claimName"),
            YamlLite.At(merge, "spec.template.spec.volumes.0.persistentVolumeClaim.claimName"));
    }

    [Fact]
    public void The_image_installs_exactly_the_launchers_packages()
    {
        var launcher = Words(LauncherPackages().Match(File.ReadAllText(Path.Combine(Repo.Root, "sourceless"))), "the launcher's PACKAGES=(...)");
        var image = Words(DockerPackages().Match(Dockerfile.Replace("\\\n", " ")), "the Dockerfile's ARG PACKAGES=\"...\"");
        Assert.True(launcher.Count >= 20, $"{launcher.Count} packages in the launcher");
        Assert.True(launcher.ToHashSet().SetEquals(image),
            $"only in ./sourceless: [{string.Join(' ', launcher.Except(image))}]; only in deploy/Dockerfile: [{string.Join(' ', image.Except(launcher))}]");
        Assert.Equal(image.Count, image.Distinct().Count());
        Assert.Matches(@"apt-get install [^\n]*\$\{PACKAGES\}", Dockerfile.Replace("\\\n", " "));
    }

    [Fact]
    public void The_base_image_exists_and_carries_the_NET_10_SDK()
    {
        var from = Regex.Matches(Dockerfile, @"^FROM\s+(\S+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(from);
        foreach (var image in from)
        {
            // .NET 10 ships no Debian images: sdk:10.0-bookworm-slim and -trixie-slim do not exist
            // (dotnet/dotnet-docker#6860).
            Assert.DoesNotMatch(@"^mcr\.microsoft\.com/dotnet/[a-z-]+:10\.0[^ ]*-(bookworm|trixie)", image);
        }
        if (!from.Any(i => i.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", StringComparison.Ordinal)))
            Assert.Matches(@"apt-get install [^\n]*dotnet-sdk-10\.0", Dockerfile.Replace("\\\n", " "));
        Assert.Contains("./sourceless --help", Dockerfile);
    }

    [Fact]
    public void The_build_context_leaves_out_build_output_runs_and_git()
    {
        var ignored = File.ReadAllLines(Path.Combine(Repo.Root, ".dockerignore")).Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in new[] { ".git", "**/bin", "**/obj", "**/TestResults", "runs" }) Assert.Contains(entry, ignored);
        Assert.DoesNotContain(ignored, e => e.StartsWith("models", StringComparison.Ordinal) && !e.Contains("train.ckpt") && !e.Contains(".work"));
    }

    [Fact]
    public void The_light_yaml_reader_reads_what_the_manifests_use_and_refuses_broken_text()
    {
        var doc = YamlLite.Parse("a: 1\nb:\n  - x\n  - name: y\n    args: [\"/bin/sh\", '-c']\n  - >-\n    one\n    two\nc: { cpu: \"2\", m: 4Gi }  # note\nd: |\n  l1\n  l2\n");
        Assert.Equal("1", YamlLite.At(doc, "a"));
        Assert.Equal("x", YamlLite.At(doc, "b.0"));
        Assert.Equal("y", YamlLite.At(doc, "b.1.name"));
        Assert.Equal(new List<object?> { "/bin/sh", "-c" }, YamlLite.At(doc, "b.1.args"));
        Assert.Equal("one two", YamlLite.At(doc, "b.2"));
        Assert.Equal("2", YamlLite.At(doc, "c.cpu"));
        Assert.Equal("4Gi", YamlLite.At(doc, "c.m"));
        Assert.Equal("l1\nl2\n", YamlLite.At(doc, "d"));
        foreach (var broken in new[] { "a: 1\n   b: 2\n", "a: [1, 2\n", "a: \"x\n", "a: 1\na: 2\n", "a:\n\t- x\n", "just words\n" })
            Assert.Throws<FormatException>(() => YamlLite.Parse(broken));
    }

    private static Match Single(MatchCollection matches)
    {
        Assert.Single(matches);
        return matches[0];
    }

    private static string Unquote(string s) => s.Length >= 2 && s[0] is '"' or '\'' && s[^1] == s[0] ? s[1..^1] : s;

    private static List<string> Words(Match m, string what)
    {
        Assert.True(m.Success, what + " not found");
        return m.Groups["list"].Value.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    [GeneratedRegex(@"--shard\s+""?(?<k>[^/""\s]+)/(?<n>\d+)""?")]
    private static partial Regex ShardArgument();

    [GeneratedRegex(@"--out\s+(?<out>""[^""]+""|\S+?);?(?=\s|$)")]
    private static partial Regex OutArgument();

    [GeneratedRegex(@"--resume\s+(?<dir>""[^""]+""|\S+?);?(?=\s|$)")]
    private static partial Regex ResumeArgument();

    [GeneratedRegex(@"\./sourceless trial merge\s+(?<runs>.+?)\s+--out\s+(?<out>\S+)")]
    private static partial Regex MergeCommand();

    [GeneratedRegex(@"^PACKAGES=\((?<list>[^)]*)\)", RegexOptions.Multiline)]
    private static partial Regex LauncherPackages();

    [GeneratedRegex(@"^ARG PACKAGES=""(?<list>[^""]*)""", RegexOptions.Multiline)]
    private static partial Regex DockerPackages();
}
