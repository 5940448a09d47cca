// ACL: users, their permissions and the log of denials (Redis 7.0's aclCommand).

#include "acl/aclstore.h"
#include "commandtable.h"
#include "commandutil.h"
#include "net/connection.h"
#include "net/server.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSaveFile>

using namespace CommandUtil;

namespace {

constexpr char NoAclFileError[]
        = "ERR This Redis instance is not configured to use an ACL file. You may want to specify "
          "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have "
          "a Redis configuration file set) in order to store users in the Redis configuration.";

void aclSetuserCommand(Connection &c)
{
    // Passwords among the rules: the slow log and the command log show none of them, nor the
    // user name, as Redis redacts them.
    for (qsizetype i = 2; i < c.argc(); ++i)
        c.redactArgument(i);
    const std::vector<QByteArrayView> &argv = c.args();
    QByteArray error;
    Server &server = c.server();
    if (!server.acl().setUser(c.arg(2), argv.data() + 3, c.argc() - 3, &error)) {
        c.reply().error(error);
        return;
    }
    server.disconnectRevokedSubscribers(server.acl().find(c.arg(2)));
    c.reply().ok();
}

void replySelector(ReplyWriter &r, const AclSelector &selector)
{
    r.bulk("commands");
    r.bulk(selector.describeCommands());
    r.bulk("keys");
    r.bulk(selector.describeKeys());
    r.bulk("channels");
    r.bulk(selector.describeChannels());
}

void aclGetuserCommand(Connection &c)
{
    const AclUser *user = c.server().acl().find(c.arg(2));
    ReplyWriter &r = c.reply();
    if (!user) {
        r.null();
        return;
    }
    r.mapHeader(6);
    r.bulk("flags");
    const QByteArrayList flags = user->flagNames();
    r.setHeader(flags.size());
    for (const QByteArray &flag : flags)
        r.bulk(flag);
    r.bulk("passwords");
    r.arrayHeader(user->passwordHashes().size());
    for (const QByteArray &hash : user->passwordHashes())
        r.bulk(hash);
    const std::vector<AclSelector> &selectors = user->selectors();
    replySelector(r, selectors[0]);
    r.bulk("selectors");
    r.arrayHeader(qsizetype(selectors.size()) - 1);
    for (size_t i = 1; i < selectors.size(); ++i) {
        r.mapHeader(3);
        replySelector(r, selectors[i]);
    }
}

void aclDeluserCommand(Connection &c)
{
    for (qsizetype i = 2; i < c.argc(); ++i) {
        if (c.arg(i) == "default") {
            c.reply().error("ERR The 'default' user cannot be removed");
            return;
        }
    }
    qint64 deleted = 0;
    for (qsizetype i = 2; i < c.argc(); ++i) {
        const std::unique_ptr<AclUser> user = c.server().acl().take(c.arg(i));
        if (!user)
            continue;
        c.server().disconnectUser(user.get());
        ++deleted;
    }
    c.reply().integer(deleted);
}

void aclListCommand(Connection &c)
{
    const QByteArrayList lines = c.server().acl().userLines();
    c.reply().arrayHeader(lines.size());
    for (const QByteArray &line : lines)
        c.reply().bulk(line);
}

void aclUsersCommand(Connection &c)
{
    const auto &users = c.server().acl().users();
    c.reply().arrayHeader(qsizetype(users.size()));
    for (const auto &entry : users)
        c.reply().bulk(entry.first);
}

void aclWhoamiCommand(Connection &c)
{
    c.reply().bulk(c.user()->name());
}

void aclCatCommand(Connection &c)
{
    ReplyWriter &r = c.reply();
    if (c.argc() == 2) {
        r.arrayHeader(qsizetype(std::size(AclCategory::Names)));
        for (const char *name : AclCategory::Names)
            r.bulk(name);
        return;
    }
    if (c.argc() > 3) {
        replySubcommandSyntaxError(c);
        return;
    }
    quint32 category = 0;
    for (size_t i = 0; i < std::size(AclCategory::Names); ++i) {
        if (argIs(c.arg(2), AclCategory::Names[i]))
            category = 1u << i;
    }
    if (!category) {
        c.reply().error("ERR Unknown category '" + c.arg(2).toByteArray() + '\'');
        return;
    }
    std::vector<const QByteArray *> names;
    for (const Command *command : c.server().commands().byId()) {
        if (aclCategories(*command) & category)
            names.push_back(&command->fullName);
    }
    r.arrayHeader(qsizetype(names.size()));
    for (const QByteArray *name : names)
        r.bulk(*name);
}

void aclLogCommand(Connection &c)
{
    AclStore &acl = c.server().acl();
    long long count = 10;
    if (c.argc() == 3) {
        if (argIs(c.arg(2), "reset")) {
            acl.log().clear();
            c.reply().ok();
            return;
        }
        if (!parseLongLong(c, c.arg(2), &count))
            return;
    } else if (c.argc() > 3) {
        replySubcommandSyntaxError(c);
        return;
    }
    acl.log().reply(c.reply(), qsizetype(qMax(0LL, count)), QDateTime::currentMSecsSinceEpoch());
}

void aclGenpassCommand(Connection &c)
{
    long long bits = 256;
    if (c.argc() == 3 && !parseLongLong(c, c.arg(2), &bits))
        return;
    if (c.argc() > 3) {
        replySubcommandSyntaxError(c);
        return;
    }
    if (bits <= 0 || bits > 4096) {
        c.reply().error("ERR ACL GENPASS argument must be the number of bits for the output "
                        "password, a positive number up to 4096");
        return;
    }
    const qsizetype chars = qsizetype((bits + 3) / 4);
    QByteArray random((chars + 1) / 2, Qt::Uninitialized);
    QRandomGenerator::system()->generate(random.begin(), random.end());
    c.reply().bulk(random.toHex().left(chars));
}

void aclDryrunCommand(Connection &c)
{
    const AclUser *user = c.server().acl().find(c.arg(2));
    if (!user) {
        c.reply().error("ERR User '" + c.arg(2).toByteArray() + "' not found");
        return;
    }
    const std::vector<QByteArrayView> &args = c.args();
    const QByteArrayView *argv = args.data() + 3;
    const qsizetype argc = c.argc() - 3;
    Command *command = c.server().commands().find(argv[0]);
    if (command && !command->subcommands.empty() && argc >= 2)
        command = CommandTable::findSubcommand(*command, argv[1]);
    if (!command) {
        c.reply().error("ERR Command '" + argv[0].toByteArray() + "' not found");
        return;
    }
    if ((command->arity > 0 && command->arity != argc) || argc < -command->arity) {
        c.reply().error("ERR wrong number of arguments for '" + command->fullName + "' command");
        return;
    }
    qsizetype index = 0;
    switch (user->check(*command, argv, argc, &index)) {
    case AclSelector::Verdict::Ok: c.reply().ok(); return;
    case AclSelector::Verdict::DeniedKey:
        c.reply().bulk(QByteArray("This user has no permissions to access the '"
                                  + argv[index].toByteArray() + "' key"));
        return;
    case AclSelector::Verdict::DeniedChannel:
        c.reply().bulk(QByteArray("This user has no permissions to access the '"
                                  + argv[index].toByteArray() + "' channel"));
        return;
    default:
        c.reply().bulk(QByteArray("This user has no permissions to run the '" + command->fullName
                                  + "' command"));
    }
}

void aclLoadCommand(Connection &c)
{
    Server &server = c.server();
    if (server.config().aclFile.isEmpty()) {
        c.reply().error(NoAclFileError);
        return;
    }
    QFile file(server.config().aclFile);
    if (!file.open(QIODevice::ReadOnly)) {
        c.reply().error("ERR Error loading ACLs, opening file '"
                        + QFile::encodeName(server.config().aclFile)
                        + "': " + file.errorString().toUtf8());
        return;
    }
    std::vector<std::unique_ptr<AclUser>> loaded;
    QByteArray error;
    if (!server.acl().parseFile(file.readAll(), &loaded, &error)) {
        c.reply().error("ERR Error loading ACLs: " + error);
        return;
    }
    for (const std::unique_ptr<AclUser> &removed : server.acl().replaceUsers(std::move(loaded)))
        server.disconnectUser(removed.get());
    c.reply().ok();
}

void aclSaveCommand(Connection &c)
{
    Server &server = c.server();
    if (server.config().aclFile.isEmpty()) {
        c.reply().error(NoAclFileError);
        return;
    }
    QSaveFile file(server.config().aclFile);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(server.acl().userLines().join('\n') + '\n') < 0 || !file.commit()) {
        c.reply().error("ERR There was an error trying to save the ACLs. Please check the server "
                        "logs for more information");
        return;
    }
    c.reply().ok();
}

void aclHelpCommand(Connection &c)
{
    replyHelp(c, "ACL",
              { "CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DELUSER <username> [<username> ...]",
                "    Delete a list of users.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing "
                "the command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "LOAD",
                "    Reload users from the ACL file.",
                "LOG [<count> | RESET]",
                "    Show the ACL log entries.",
                "SAVE",
                "    Save the current config to the ACL file.",
                "SETUSER <username> <attribute> [<attribute> ...]",
                "    Create or modify a user with the specified attributes.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username." });
}

} // namespace

void registerAclCommands(CommandTable &table)
{
    using namespace CommandFlag;
    constexpr quint32 Base = NoScript | Loading | Stale;
    constexpr quint32 AdminFlags = Admin | Base;
    Command acl { "acl", -2, 0, nullptr };
    acl.subcommands = {
        { "cat", -2, Base, aclCatCommand },
        { "deluser", -3, AdminFlags, aclDeluserCommand },
        { "dryrun", -4, AdminFlags, aclDryrunCommand },
        { "genpass", -2, Base, aclGenpassCommand },
        { "getuser", 3, AdminFlags, aclGetuserCommand },
        { "help", 2, Loading | Stale, aclHelpCommand },
        { "list", 2, AdminFlags, aclListCommand },
        { "load", 2, AdminFlags, aclLoadCommand },
        { "log", -2, AdminFlags, aclLogCommand },
        { "save", 2, AdminFlags, aclSaveCommand },
        { "setuser", -3, AdminFlags, aclSetuserCommand },
        { "users", 2, AdminFlags, aclUsersCommand },
        { "whoami", 2, Base, aclWhoamiCommand },
    };
    table.add(std::move(acl));
}
