namespace Bot.Deployments;

/// <summary>The chat edge's side of alerts: shows a recorded alert in the app's alert channels (other than <c>except</c>).</summary>
public interface IAlertSink
{
    Task ShowAsync(StoredAlert alert, AlertChange change, Origin? except, CancellationToken cancellationToken);
}
