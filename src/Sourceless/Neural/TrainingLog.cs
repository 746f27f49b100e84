using System.Text.Json;

namespace Sourceless.Neural;

/// <summary>
/// Reads train-log.jsonl, the learning curve a training run appends to. A run killed while
/// writing can leave a torn last line: that one is dropped with a warning (the checkpoint, not
/// the log, says where training stands). A bad line anywhere else is the user's bad file: one
/// line naming the file and line, never a stack trace.
/// </summary>
public static class TrainingLog
{
    public static IReadOnlyList<LearningPoint> Read(string path, TextWriter? warnings = null)
    {
        if (!File.Exists(path)) return [];
        string text = File.ReadAllText(path);
        var lines = text.Split('\n');
        var points = new List<LearningPoint>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            bool last = i == lines.Length - 1; // no newline after it: written last, maybe torn
            try
            {
                points.Add(JsonSerializer.Deserialize<LearningPoint>(line) ?? throw new JsonException("null record"));
            }
            catch (JsonException e) when (last)
            {
                (warnings ?? Console.Error).WriteLine($"warning: {path}:{i + 1}: torn last line dropped ({e.Message.Split('\n')[0]})");
            }
            catch (JsonException e)
            {
                throw new UserError($"{path}:{i + 1} is not a learning-curve record ({e.Message.Split('\n')[0]}); fix or remove that line");
            }
        }
        return points;
    }
}
