# wasend-qr-bot: every text the bot sends, in English (the fallback of every other locale).
# Placeholders: $session is a session label ("Shop (shop-1)" or "shop-1"), $id a session id, $user a user id.

## Usage lines

# The gateway the sessions live on; the bot sets it from GATEWAY (Wasend or WAHA).
-gateway = Wasend

usage-qr = Usage: /qr <session> (or just /qr to pick one of yours)
usage-status = Usage: /status [session]
usage-grant = Usage: /grant <user id> <session>
usage-revoke = Usage: /revoke <user id> <session>
usage-users = Usage: /users [session | user id]
usage-invite = Usage: /invite <session>
usage-invites = Usage: /invites [session]
usage-uninvite = Usage: /uninvite <id> (the 8-character id /invites shows)
usage-audit = Usage: /audit [session | user id]
usage-cancel = Usage: /cancel
usage-pair = Usage: /pair <session> <phone number>, e.g. /pair demo +55 11 98765-4321
usage-new = Usage: /new <name> <phone number>, e.g. /new shop +55 11 98765-4321 (the name is one word)
usage-restart = Usage: /restart <session>
usage-stop = Usage: /stop <session>
usage-delete = Usage: /delete <session>
usage-sessions = Usage: /sessions
usage-watch = Usage: /watch <session> (or just /watch to see what you watch)
usage-unwatch = Usage: /unwatch <session>
usage-language = Usage: /language (or /language pt-BR, es, id, en)

## Common replies

phone-format = That is not a phone number in international format. Send 8 to 15 digits with the country code first, e.g. +55 11 98765-4321 (a +, spaces and dashes are fine).
refused-stranger =
    Sorry, you don't have access to this bot. Ask an admin for an invite link.
    Your Telegram id is { $user }: send it to an admin.
refused-session = You don't have access to that session.
did-you-mean = Did you mean { $suggestion }?
admin-only = Only admins can do that.
qr-only-private = QR codes are only sent in a private chat with the bot. Open a private chat with me and send /qr there.
private-only = I only work in a private chat. Open a private chat with me and send /help there.
no-sessions = You have no sessions yet. Ask an admin to grant you one or to send you an invite link.
something-wrong = Something went wrong. Please try again in a minute.
unknown-command = I do not know { $command }. Send /help to see what I can do.
not-a-command = I only understand commands. Send /help to see what I can do.
slow-down = Slow down: you can ask again in { $seconds } s.
list-failed = Could not list the sessions: { $reason }.
no-sessions-on-wasend = There are no sessions on { -gateway }.
more-lines = ... and { $count } more

## What a failed Wasend call means (completes a sentence)

failure-not-found = not found on { -gateway }
failure-rate-limited = { -gateway } is rate limiting us, try again in a minute
failure-auth = { -gateway } refused the bot's API key, please tell an admin
failure-invalid-response = { -gateway } sent an answer I could not read, try again in a minute
failure-invalid-id = not a valid session id
failure-session-limit = this WAHA runs only the session "default" (WAHA Core before 2026.6.1); use /qr default, or update WAHA for more sessions
failure-not-offered = this gateway does not offer that
failure-down = { -gateway } is unreachable right now, try again in a minute

## Session status in words

status-connected = ✅ connected
status-awaiting-scan = 📷 waiting for a QR scan
status-starting = ⏳ starting
status-stopped = ⏹ stopped (send /qr to link it)
status-failed = ❌ failed (send /qr to restart it)
status-passkey-required = 🔑 needs a passkey (WhatsApp asks for one to link)
status-passkey-confirmation = 🔑 waiting for a passkey code to be confirmed
status-unknown = ❔ { $raw }
status-live = { $line } (live QR open)
status-more = ... and { $count } more: send /status <session>

## /qr and /pair outcomes

outcome-already-connected = ✅ { $session } is already connected: no QR code needed.
outcome-not-found = Session { $session } was not found on { -gateway }.
outcome-no-code = { -gateway } has no QR code for { $session } yet. Try again in a minute.
outcome-refused = You no longer have access to { $session }.
outcome-too-many = You already have { $limit } live QR codes open, the most at once. Send /cancel in a chat to stop its codes, or wait for one to be linked or to expire.
outcome-pairing-wait = A pairing code for { $session } was asked for less than a minute ago, and WhatsApp locks a number out after repeated requests. You can ask for the next one in { $seconds } s.
outcome-pairing-not-offered = This { -gateway } server does not offer pairing codes: scan the QR instead.
outcome-rate-limited = { -gateway } is rate limiting us. Try again in a minute.
outcome-down = { -gateway } is unreachable right now. Try again in a minute.
access-unknown = I can't check access right now (my database does not answer). Nothing was changed; try again in a minute.
outcome-busy = Another copy of this bot is busy with { $session } and did not hand it over. Try again in a minute.
outcome-auth = { -gateway } refused the bot's API key. Please tell an admin.
outcome-invalid-response = { -gateway } sent an answer I could not read. Try again in a minute.
outcome-telegram = Telegram did not confirm the QR photo. If no photo arrived, send /qr { $id } again.
outcome-photo-refused = Telegram refused the QR photo ({ $reason }), so nothing was sent. Send /qr { $id } to try again.
outcome-photo-refused-plain = Telegram refused the QR photo, so nothing was sent. Send /qr { $id } to try again.
pick-session = Which session?
pick-more = ({ $count } more not shown: send /qr <session>)
qr-restarted = The bot restarted while sending the QR code for { $session }: send /qr { $id } for a fresh one.

## The live message (photo captions and buttons)

caption-qr-head = 📱 { $session }
caption-qr-series = code { $index } of { $total }
caption-qr-steps = On the phone: WhatsApp > Settings > Linked devices > Link a device, then scan this code.
caption-valid-for = Good for { $left }, until { $until }.
caption-updates = This message updates itself.
time-seconds = { $seconds } s
time-about-seconds = about { $seconds } s
time-minutes = about { $minutes } min
caption-paused = ⏸ { $session }: the bot is restarting, so no code is shown for a moment. This message carries on by itself when it is back.
caption-connected = ✅ Connected: { $session } is linked.
caption-expired = ⌛ This code for { $session } expired. { $reason }
    Press New QR for a fresh code.
caption-expired-pairing = ⌛ This pairing code for { $session } expired. { $reason }
    Press New code for another one, or Show QR to scan instead.
caption-cancelled = ✖ Cancelled: { $session }. Send /qr { $id } for a new code.
caption-retired = This QR code for { $session } was replaced by a newer QR message.
expired-codes-ran-out = No one scanned it in time: WhatsApp ends a series after its last code.
expired-failed = No one scanned it in time: WhatsApp ends a series after its last code.
expired-timed-out = Nobody scanned it in time.
expired-pairing-timed-out = Nobody typed it on the phone in time.
expired-stopped = The session was stopped.
caption-pairing-head = 🔢 { $session }: pairing code for { $phone }
caption-pairing-steps = On the phone: WhatsApp > Linked devices > Link a device > Link with phone number instead, then type this code.
caption-passkey-required =
    🔑 { $session }: WhatsApp asks this account for a passkey, which must be signed in a browser with WAHA's passkey extension.
    The bot cannot do that step; this message follows the session and changes once it moves on.
caption-passkey-confirm-head = 🔑 { $session }: does the phone show this code?
caption-passkey-confirm-tail = Press "It matches" only if WhatsApp on the phone shows exactly this code.
button-refresh = 🔄 Refresh
button-cancel = ✖ Cancel
button-phone-instead = 📱 Phone number instead
button-show-qr = 📷 Show QR
button-new-qr = 🆕 New QR
button-new-code = 🔢 New code
button-it-matches = ✅ It matches
button-no-match = ❌ It doesn't match

## Button answers

press-inactive = This QR message is no longer active. Send /qr for a new one.
press-refresh-new = A new code is shown.
press-refresh-same = This is still the current code.
press-cancelled = Cancelled.
press-not-live = This QR code is no longer live.
press-getting-new = Getting a new code…
press-getting-qr = Getting the QR code for { $session }…
press-showing-qr = Showing the QR…
press-asking-code = Asking for a new code…
press-kept = Kept.
press-deleting = Deleting { $id }…
press-expired-confirm = This confirmation expired. Send /delete again.
press-not-yours = This confirmation belongs to the admin who asked for it.

## Pairing codes

pair-offer = Send a pairing code for { $session } to { $phone }, the number { -gateway } holds for it?
pair-offer-sent = Sending a pairing code for { $session } to { $phone }: it shows in the QR message.
pair-offer-other = Another number for { $session }: reply to the next message with it.
pair-button-send = ✅ Send the code
pair-button-other = ✏️ Another number
pair-ask = Reply to this message with the phone number of the WhatsApp account to link to { $session }, in international format (e.g. +55 11 98765-4321).
pair-reply-hint = Reply to my question above with the number.
pair-message-gone = That QR message is gone. Send /qr for a new one.

## Passkeys

passkey-gone = WhatsApp is no longer waiting for this code.
passkey-step-unknown = I can't ask the gateway whether WhatsApp still waits for this code; nothing was done. Try again in a moment.
passkey-confirm-failed = Could not confirm: { $reason }.
passkey-confirmed = Confirmed. The phone should link in a moment.
passkey-stop-failed = Could not stop { $id }: { $reason }.
passkey-stopped-short = Stopped { $id }.
passkey-rejected = Stopped { $id }: the code on the phone did not match, so nothing was linked. Send /qr { $id } to start again.

## /cancel

cancel-none = There is no live QR code to stop here.
cancel-done = { $count ->
    [one] Stopped 1 live QR code.
   *[other] Stopped { $count } live QR codes.
}

## /sessions and /status

sessions-title-admin = Sessions on { -gateway } ({ $count })
sessions-title-user = Your sessions ({ $count })
sessions-page = , page { $page } of { $pages }
sessions-footer = Press a name for its live QR code.
sessions-none-admin = There are no sessions on { -gateway }. Create one with /new <name> <phone number>.
sessions-button-status = ℹ️ Status
sessions-button-previous = ◀ Previous
sessions-button-next = Next ▶
sessions-live = live QR open

## /watch

watch-none = You watch no sessions.
watch-list = You get an alert here when one of these sessions drops:
watch-already = You already watch { $session }.
watch-linked = Its phone is linked now.
watch-not-linked = Its phone is not linked now ({ $raw }): I will tell you once it is linked and if it drops after that.
watch-unknown = I could not read its status just now; the next check will.
watch-started = 🔔 Watching { $session }: I will tell you here if its phone is no longer linked. { $now } /unwatch { $id } stops it.
unwatch-done = 🔕 No more alerts for { $id }.
unwatch-not-watching = You were not watching { $id }.
alert-down =
    ⚠️ WhatsApp session { $session } is no longer linked ({ -gateway } status: { $raw }).
    Scan a new QR code to link the phone again.
alert-down-no-button = Send /qr { $id } for a new code.
alert-up = ✅ WhatsApp session { $session } is back online.
alert-button-new-qr = Send new QR

## /start and invites

invite-invalid = This invite link is not valid. Ask an admin for a new one.
invite-used = This invite link was already used. Ask an admin for a new one.
invite-expired = This invite link has expired. Ask an admin for a new one.
invite-welcome = You now have access to { $session }. Send /qr { $id } to get its QR code.
invite-already = You already had access to { $session }. Send /qr { $id } to get its QR code.

## Admin: grants, users, invites, audit

grant-bad-user = "{ $value }" is not a user id. A user id is a number: a person who sends me anything gets theirs, and /users lists the people I have seen.
grant-bad-session = "{ $value }" is not a session id. /sessions lists them.
grant-missing = No grant made: { $id } was not found on { -gateway }.
grant-unchecked = No grant made: { $id } could not be checked ({ $reason }).
grant-done = { $user } can now use { $session }. They need to open a chat with me and send /qr { $id }.
grant-already = { $user } already had { $session }.
revoke-done = { $user } can no longer use { $session }.
revoke-not-had = { $user } did not have { $session }.
revoke-stopped = { $count ->
    [one] Stopped 1 live QR code.
   *[other] Stopped { $count } live QR codes.
}
revoke-voided = { $count ->
    [one] Voided 1 open invite link for { $id }.
   *[other] Voided { $count } open invite links for { $id }.
}
users-admins = Admins (every session): { $admins }
users-grants = Grants: { $count }
users-grants-of = Grants for { $id }: { $count }
users-grant-line = { $id }: { $person } (by { $by }, { $at })
users-of-user = { $person } can use: { $sessions }
users-of-user-none = { $person } has no sessions.
users-of-user-admin = { $person } is an admin: every session.
invite-missing = No invite made: { $id } was not found on { -gateway }.
invite-unchecked = No invite made: { $id } could not be checked ({ $reason }).
invite-made =
    Invite for { $session }, single use, valid until { $until }:
    { $link }
    Whoever opens it first gets access to this session. /invites lists the open ones, /uninvite voids one.
invites-none = There are no open invites.
invites-none-for = There are no open invites for { $id }.
invites-title = Open invites (void one with /uninvite <id>):
invites-line = { $invite }: { $id }, by { $by }, valid until { $until }
uninvite-done = Invite { $invite } is void: its link no longer works.
uninvite-unknown = There is no open invite { $invite }. /invites lists them.
audit-empty = The audit log is empty.
audit-title = Latest { $count } audit entries (newest first):
audit-title-filtered = Latest { $count } audit entries for { $filter } (newest first):

## Audit entries as sentences ($who: "Ana (222)")

audit-qr-ok = { $at }: QR for { $session } sent to { $who }
audit-qr-other = { $at }: QR for { $session } not sent to { $who } ({ $outcome })
audit-pair-ok = { $at }: pairing code for { $session } sent to { $who }
audit-pair-other = { $at }: pairing code for { $session } not sent to { $who } ({ $outcome })
audit-denied = { $at }: { $who } was refused { $what }
audit-grant = { $at }: { $who } granted { $session } to { $detail }
audit-revoke = { $at }: { $who } revoked { $session } from { $detail }
audit-invite-create = { $at }: { $who } made an invite link for { $session }
audit-invite-redeem = { $at }: { $who } opened an invite link ({ $outcome })
audit-invite-void = { $at }: { $who } voided invite { $detail }
audit-other = { $at }: { $who }: { $action } { $session } ({ $outcome })
# An audit outcome in words (what the codes of the audit log mean).
audit-outcome-ok = done
audit-outcome-sent = sent
audit-outcome-used = the link was already used
audit-outcome-expired = the link had expired
audit-outcome-invalid = not a valid link
audit-outcome-already_granted = they had access already
audit-outcome-not_found = the session was not found
audit-outcome-already_connected = its phone was already linked
audit-outcome-pairing_wait = a code had been asked less than a minute before
audit-outcome-pairing_not_offered = the gateway offers no pairing codes
audit-outcome-refused = no access
audit-outcome-too_many = too many live codes at once
audit-outcome-no_code = no code came in time
audit-outcome-cancelled = cancelled
audit-outcome-not_live = it was no longer live
audit-outcome-not_asked = WhatsApp was not asking for it
audit-outcome-photo_refused = Telegram refused the photo
audit-outcome-unchanged = nothing changed
audit-outcome-denied = refused
audit-outcome-error = it failed
audit-outcome-left = the bot left
audit-outcome-unavailable-rate_limited = the gateway was rate limiting
audit-outcome-unavailable-down = the gateway was unreachable
audit-outcome-unavailable-auth = the gateway refused the key
audit-outcome-unavailable-invalid_response = the gateway answered something unreadable
audit-outcome-unavailable-telegram = Telegram did not confirm the photo
audit-outcome-unavailable-busy = another instance kept the session
audit-outcome-unavailable-access_unknown = access could not be checked
audit-grant-unchanged = { $at }: { $who } granted { $session } to { $detail }, who had it already
audit-session-create = { $at }: { $who } created session { $session }
audit-session-restart = { $at }: { $who } restarted { $session }
audit-session-stop = { $at }: { $who } stopped { $session }
audit-session-delete = { $at }: { $who } deleted { $session }
audit-passkey-confirm = { $at }: { $who } confirmed the passkey code of { $session }
audit-passkey-reject = { $at }: { $who } rejected the passkey code of { $session }, which stopped it
audit-watch = { $at }: { $who } started watching { $session }
audit-unwatch = { $at }: { $who } stopped watching { $session }
audit-qr-cancel = { $at }: { $who } cancelled the QR message of { $session }
audit-language = { $at }: { $who } chose the language { $detail }
audit-nobody = someone
person-unknown = User { $user }

## Session lifecycle (admins)

new-name-too-long = A session name is at most { $max } characters. { $usage }
new-name-invisible = A session name cannot hold invisible characters (controls, direction marks). { $usage }
new-created = Created session { $name }. Its id is { $id }: use it in /qr { $id }, /pair, /grant and /invite.
new-failed = Could not create the session: { $reason }.
restart-failed = Could not restart { $id }: { $reason }.
stop-failed = Could not stop { $id }: { $reason }.
restart-done = Restarting { $id }. A linked phone stays linked; otherwise send /qr { $id } for its code.
stop-done = Stopped { $id }. Send /qr { $id } to start it again.
delete-cannot = Cannot delete { $id }: { $reason }.
delete-ask = Delete session { $session }? Its phone is logged out and the session is gone for good. The button works for { $seconds } s.
delete-button = 🗑 Delete { $id }
delete-keep-button = Keep it
delete-expired = This confirmation expired: nothing was deleted. Send /delete <session> again.
delete-kept = Kept { $id }: nothing was deleted.
delete-failed = Could not delete { $id }: { $reason }.
delete-done = Deleted { $id }.

## /language

language-pick = Choose the language I write to you in:
language-set = I will write to you in English from now on.
language-unknown = I do not speak "{ $value }" yet. { $usage }

## Help

help-intro = I send WhatsApp pairing QR codes for { -gateway } sessions and keep the code up to date until your phone is linked.
help-user =
    /qr <session> - a live QR code (scan it in WhatsApp > Settings > Linked devices > Link a device)
    /pair <session> <phone number> - a pairing code to type on the phone instead of scanning (also the "Phone number instead" button)
    /relink - every session that is not linked, one after another in one message
    /status [session] - the state of your sessions
    /sessions - the sessions you can use
    /cancel - stop the live QR codes in this chat
    /watch <session> - a message when a linked phone drops, and when it is back
    /unwatch <session> - stop those messages
    /language - the language I write in
    /help - this message
help-admin =
    Admin:
    /grant <user id> <session> - let a user fetch QR codes for a session
    /revoke <user id> <session> - take that back
    /users [session | user id] - who has which session
    /invite <session> - a single-use link that grants a session
    /invites [session] - the open invite links; /uninvite <id> voids one
    /audit [session | user id] - the latest audit entries
    /new <name> <phone number> - create a session on { -gateway }
    /restart <session>, /stop <session> - restart or stop a session
    /delete <session> - delete a session (asks you to confirm)
help-your-sessions = Your sessions: { $sessions }

## Command menu (setMyCommands)

command-qr = Live WhatsApp QR code for a session
command-pair = Pairing code instead of a QR: /pair <session> <phone>
command-relink = Link every unlinked session, one after another
command-status = State of your sessions
command-sessions = Sessions you can use
command-cancel = Stop the live QR codes in this chat
command-watch = Alert me when a linked phone drops
command-unwatch = Stop alerts for a session
command-language = The language I write in
command-help = What I can do
command-grant = Grant a session: /grant <user id> <session>
command-revoke = Revoke a session: /revoke <user id> <session>
command-users = Who has which session
command-invite = Single-use invite link for a session
command-invites = Open invite links
command-uninvite = Void an invite link
command-audit = Latest audit entries
command-new = Create a session: /new <name> <phone>
command-restart = Restart a session
command-stop = Stop a session
command-delete = Delete a session (asks to confirm)

## Live view (Mini App)

button-live-view = 📺 Open live view
app-title = Live view
app-code-of = Code { $index } of { $total }
app-expires-in = Expires in
app-expired-now = This code has expired.
app-connecting = Connecting…
app-offline = Connection lost; trying again…
app-not-live = No live code for this session in your chat. Send /qr to the bot for one.
app-refused = You no longer have access to this session. This view has stopped.
app-stale = This view was opened too long ago. Close it and open it again from the QR message.
app-invalid = This page must be opened from the bot's QR message in Telegram.
app-renew-failed = No new code: { $reason }

## /relink

relink-nothing = Nothing to relink: every session you can use is linked.
relink-step = 🔁 Relinking { $index } of { $total }: { $session }
relink-done = ✅ Relinking done: { $linked } linked, { $skipped } skipped.
relink-stopped = ⏹ Relinking stopped at { $index } of { $total }: { $linked } linked, { $skipped } skipped.
relink-skipped-list = Skipped: { $sessions }
relink-not-linked-list = Not linked yet: { $sessions }
relink-stuck = 🔁 Relinking { $index } of { $total }: { $session }
    { $reason }
relink-replaced = ⏹ Relinking stopped: a new /relink took over.
button-skip = ⏭ Skip
button-stop = ⏹ Stop
button-retry = 🔄 Try again
press-skipped = Skipped.
press-stopped = Stopped.
