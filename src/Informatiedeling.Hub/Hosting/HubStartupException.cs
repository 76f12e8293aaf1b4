namespace Informatiedeling.Hub.Hosting;

/// <summary>The hub cannot start as configured. The message is one line that says what is wrong and how to fix it.</summary>
public sealed class HubStartupException(string message, Exception? inner = null) : Exception(message, inner);
