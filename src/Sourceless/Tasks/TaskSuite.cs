using System.Globalization;

namespace Sourceless.Tasks;

/// <summary>The task suite: every folder under the suite directory that holds a task.txt.</summary>
public sealed class TaskSuite
{
    public IReadOnlyList<TaskDefinition> Tasks { get; }

    private TaskSuite(IReadOnlyList<TaskDefinition> tasks) => Tasks = tasks;

    public static TaskSuite Load(string directory)
    {
        if (!Directory.Exists(directory)) throw new UserError($"task suite folder not found: {directory}");
        var tasks = Directory.GetDirectories(directory)
            .Where(d => File.Exists(Path.Combine(d, TaskFile.FileName)))
            .Order(StringComparer.Ordinal)
            .Select(TaskFile.Load)
            .ToList();
        if (tasks.Count == 0) throw new UserError($"no tasks (folders with {TaskFile.FileName}) under {directory}");
        return new TaskSuite(tasks);
    }

    /// <summary>The names that mean the built-in suite in a list of suites.</summary>
    public static bool IsBuiltInName(string s) => s is "tasks" or "builtin";

    /// <summary>
    /// Several suites as one: "builtin,runs/imported" (the built-in suite is "tasks" or "builtin").
    /// Task names must stay unique across them (a task's name is its function's name and its key in
    /// every stored row), so a name in two suites is refused with both suites named. Returns the
    /// suite, each suite's label (its folder name; "builtin" for the built-in one) with its folder,
    /// and which label each task came from.
    /// </summary>
    /// <summary>The suite of a stored setting: one folder, or several separated by commas.</summary>
    public static TaskSuite FromSetting(string suite) =>
        suite.Contains(',') ? LoadMany(suite, Harness.SourcelessHome.TasksDir).Suite : Load(suite);

    public static (TaskSuite Suite, IReadOnlyList<(string Label, string Folder)> Parts, IReadOnlyDictionary<string, string> LabelOf) LoadMany(string list, string builtInFolder)
    {
        var items = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length == 0) throw new UserError("--suite: name at least one suite");
        var parts = new List<(string, string)>();
        var labelOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var tasks = new List<TaskDefinition>();
        foreach (var item in items)
        {
            string folder = Path.GetFullPath(IsBuiltInName(item) ? builtInFolder : item);
            string label = Path.GetFullPath(builtInFolder) == folder ? "builtin" : Path.GetFileName(folder.TrimEnd('/'));
            if (parts.Any(p => p.Item2 == folder)) throw new UserError($"--suite: {item} is named twice");
            if (parts.Any(p => p.Item1 == label)) label = $"{label}#{parts.Count + 1}";
            var suite = Load(folder);
            foreach (var t in suite.Tasks)
            {
                if (labelOf.TryGetValue(t.Name, out var other))
                    throw new UserError($"--suite: task '{t.Name}' is in both {other} and {label}; task names must be unique across suites " +
                        "(drop one of the two folders, or run the suites in separate trials)");
                labelOf[t.Name] = label;
            }
            tasks.AddRange(suite.Tasks);
            parts.Add((label, folder));
        }
        return (new TaskSuite(tasks.OrderBy(t => t.Name, StringComparer.Ordinal).ToList()), parts, labelOf);
    }

    /// <summary>
    /// "all", a count N (the first N of a round-robin over categories, so a small selection still
    /// spans arithmetic, arrays, strings, structs, recursion, libdep and vulnerable tasks), or a
    /// comma-separated list of names.
    /// </summary>
    /// <summary>The first <paramref name="count"/> of a round-robin over categories, sorted by name.</summary>
    public static IReadOnlyList<TaskDefinition> Spread(IReadOnlyList<TaskDefinition> tasks, int count)
    {
        var byCategory = tasks.GroupBy(t => t.Category).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new Queue<TaskDefinition>(g)).ToList();
        var picked = new List<TaskDefinition>();
        while (picked.Count < Math.Min(count, tasks.Count))
            foreach (var q in byCategory)
                if (q.Count > 0 && picked.Count < count) picked.Add(q.Dequeue());
        return picked.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<TaskDefinition> Select(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector) || selector == "all") return Tasks;
        if (int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            if (count <= 0) throw new UserError("--tasks: a count must be at least 1");
            return Spread(Tasks, count);
        }
        var names = selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new List<TaskDefinition>();
        foreach (var name in names.Distinct())
        {
            var task = Tasks.FirstOrDefault(t => t.Name == name)
                ?? throw new UserError($"--tasks: unknown task '{name}' (see 'sourceless tasks list')");
            result.Add(task);
        }
        return result;
    }
}
