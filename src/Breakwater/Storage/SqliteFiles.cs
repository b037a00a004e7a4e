using Microsoft.Data.Sqlite;

namespace Breakwater.Storage;

/// <summary>
/// How Breakwater opens its embedded SQLite files (journal, deferred jobs): one place for paths, pragmas and file
/// modes. They hold prompts, responses and error texts, so on Unix a folder Breakwater creates is 0700 and the
/// database with its <c>-wal</c> and <c>-shm</c> files is 0600 (an existing file with wider modes is narrowed).
/// </summary>
internal static class SqliteFiles
{
    /// <summary>Owner read and write: 0600.</summary>
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner only: 0700.</summary>
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly string[] Companions = ["", "-wal", "-shm", "-journal"];

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
            CreatePrivateDirectory(dir);
        }

        if (!OperatingSystem.IsWindows() && !File.Exists(full))
        {
            // Created empty with 0600 before SQLite sees it (an empty file is a new database); SQLite gives the
            // -wal and -shm files the mode of the database file.
            try
            {
                using var created = new FileStream(full, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateFile });
            }
            catch (IOException) when (File.Exists(full))
            {
                // Another opener was first; its file is narrowed below.
            }
        }

        var connection = Open(full, SqliteOpenMode.ReadWriteCreate);
        try
        {
            foreach (var sql in setup)
            {
                Execute(connection, sql);
            }

            Narrow(full);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return connection;
    }

    /// <summary>Creates <paramref name="dir"/> (and its missing parents) 0700 on Unix; an existing folder is left as it is.</summary>
    public static void CreatePrivateDirectory(string dir)
    {
        if (OperatingSystem.IsWindows() || Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir);
            return;
        }

        Directory.CreateDirectory(dir, PrivateDirectory);
    }

    /// <summary>Narrows the database file and its companions to 0600 on Unix where they are wider (files from an older version).</summary>
    public static void Narrow(string fullPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var suffix in Companions)
        {
            var file = fullPath + suffix;
            try
            {
                if (File.Exists(file) && (File.GetUnixFileMode(file) & ~PrivateFile) != 0)
                {
                    File.SetUnixFileMode(file, PrivateFile);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not ours to change (another owner, a read-only mount): the file works as it is.
            }
        }
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
