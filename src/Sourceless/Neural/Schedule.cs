namespace Sourceless.Neural;

/// <summary>Linear warm-up to the peak rate, then cosine decay to a tenth of it at the last step.</summary>
public sealed record Schedule(double Peak, long WarmupSteps, long TotalSteps)
{
    public double At(long step)
    {
        if (step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        double progress = TotalSteps <= WarmupSteps ? 1 : Math.Clamp((double)(step - WarmupSteps) / (TotalSteps - WarmupSteps), 0, 1);
        return Peak * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
