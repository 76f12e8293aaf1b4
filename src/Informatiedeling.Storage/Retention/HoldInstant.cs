namespace Informatiedeling.Storage.Retention;

/// <summary>
/// An instant as legal holds are compared with it, on two clocks. A hold's placement and lift are events that any
/// host writes and the purge on another host reads: they are ordered on the database's clock
/// (<see cref="Database"/>, <see cref="DatabaseClock"/>), which wrote them, so that a host whose clock runs behind
/// cannot take a hold placed a moment ago for one placed in its future. A hold's end is a date the prosecutor gave,
/// compared with the calendar the retention periods run on (<see cref="Calendar"/>, the hub's TimeProvider).
/// </summary>
public readonly record struct HoldInstant(DateTimeOffset Calendar, DateTimeOffset Database);
