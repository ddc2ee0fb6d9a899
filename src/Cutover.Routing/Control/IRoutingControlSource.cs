using Cutover.State;

namespace Cutover.Routing.Control;

/// <summary>The control state the router routes by, as last seen; reading it never blocks or does I/O.</summary>
public interface IRoutingControlSource
{
    RoutingControl Current { get; }
}
