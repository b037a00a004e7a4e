using Microsoft.Data.Sqlite;

namespace Breakwater.Storage;

/// <summary>How Breakwater opens its embedded SQLite files (journal, deferred jobs): one place for paths and pragmas.</summary>
internal static class SqliteFiles
{
    /// <summary>
    /// Opens (creating the file and its folder if needed) and runs <paramref name="setup"/> in order; the connection is
    /// disposed if any statement fails.
    /// </summary>
    public static SqliteConnection OpenCreating(string path, params string[] setup)
    {
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        var connection = Open(full, SqliteOpenMode.ReadWriteCreate);
        try
        {
            foreach (var sql in setup)
            {
                Execute(connection, sql);
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return connection;
    }

    /// <summary>Opens an existing file (no pooling: every owner keeps its own connection).</summary>
    public static SqliteConnection Open(string fullPath, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = 5,
        }.ToString());
        connection.Open();
        return connection;
    }

    public static int Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }
}
