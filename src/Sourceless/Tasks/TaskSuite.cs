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
