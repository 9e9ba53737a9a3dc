# wasend-qr-bot: todos los textos del bot, en español.
# Marcadores: $session es el nombre de una sesión ("Tienda (tienda-1)" o "tienda-1"), $id el id de la sesión, $user el id de un usuario.

## Líneas de uso

# The gateway the sessions live on; the bot sets it from GATEWAY (Wasend or WAHA).
-gateway = Wasend

usage-qr = Uso: /qr <sesión> (o solo /qr para elegir una de las tuyas)
usage-status = Uso: /status [sesión]
usage-grant = Uso: /grant <id de usuario> <sesión>
usage-revoke = Uso: /revoke <id de usuario> <sesión>
usage-users = Uso: /users [sesión | id de usuario]
usage-invite = Uso: /invite <sesión>
usage-invites = Uso: /invites [sesión]
usage-uninvite = Uso: /uninvite <id> (el id de 8 caracteres que muestra /invites)
usage-audit = Uso: /audit [sesión | id de usuario]
usage-cancel = Uso: /cancel
usage-pair = Uso: /pair <sesión> <número de teléfono>, por ejemplo /pair demo +52 55 1234 5678
usage-new = Uso: /new <nombre> <número de teléfono>, por ejemplo /new tienda +52 55 1234 5678 (el nombre es una sola palabra)
usage-restart = Uso: /restart <sesión>
usage-stop = Uso: /stop <sesión>
usage-delete = Uso: /delete <sesión>
usage-sessions = Uso: /sessions
usage-watch = Uso: /watch <sesión> (o solo /watch para ver lo que vigilas)
usage-unwatch = Uso: /unwatch <sesión>
usage-language = Uso: /language (o /language pt-BR, es, id, en)

## Respuestas comunes

phone-format = Eso no es un número de teléfono en formato internacional. Envía de 8 a 15 dígitos empezando por el código del país, por ejemplo +52 55 1234 5678 (puedes usar +, espacios y guiones).
refused-stranger =
    Lo siento, no tienes acceso a este bot. Pide a un administrador un enlace de invitación.
    Tu id de Telegram es { $user }: envíaselo a un administrador.
refused-session = No tienes acceso a esa sesión.
did-you-mean = ¿Quisiste decir { $suggestion }?
admin-only = Solo los administradores pueden hacer eso.
qr-only-private = Los códigos QR solo se envían en un chat privado con el bot. Abre un chat privado conmigo y envía /qr allí.
private-only = Solo funciono en un chat privado. Abre un chat privado conmigo y envía /help allí.
no-sessions = Todavía no tienes sesiones. Pide a un administrador que te asigne una o que te envíe un enlace de invitación.
something-wrong = Algo salió mal. Inténtalo de nuevo en un minuto.
unknown-command = No conozco { $command }. Envía /help para ver lo que sé hacer.
not-a-command = Solo entiendo comandos. Envía /help para ver lo que sé hacer.
slow-down = Más despacio: puedes volver a pedir en { $seconds } s.
list-failed = No pude listar las sesiones: { $reason }.
no-sessions-on-wasend = No hay sesiones en { -gateway }.
more-lines = ... y { $count } más

## Qué significa una llamada a Wasend que falló (completa una frase)

failure-not-found = no se encontró en { -gateway }
failure-rate-limited = { -gateway } está limitando nuestras llamadas, inténtalo de nuevo en un minuto
failure-auth = { -gateway } rechazó la clave de API del bot, avisa a un administrador
failure-invalid-response = { -gateway } envió una respuesta que no pude leer, inténtalo de nuevo en un minuto
failure-invalid-id = no es un id de sesión válido
failure-session-limit = este WAHA solo admite la sesión "default" (WAHA Core anterior a 2026.6.1); usa /qr default o actualiza WAHA para tener más sesiones
failure-not-offered = esta pasarela no ofrece eso
failure-down = { -gateway } no responde ahora, inténtalo de nuevo en un minuto

## Estado de la sesión en palabras

status-connected = ✅ conectada
status-awaiting-scan = 📷 esperando que se escanee el QR
status-starting = ⏳ iniciando
status-stopped = ⏹ detenida (envía /qr para vincularla)
status-failed = ❌ con fallo (envía /qr para reiniciarla)
status-passkey-required = 🔑 necesita una llave de acceso (WhatsApp pide una para vincular)
status-passkey-confirmation = 🔑 esperando que se confirme un código de llave de acceso
status-unknown = ❔ { $raw }
status-live = { $line } (QR en vivo abierto)
status-more = ... y { $count } más: envía /status <sesión>

## Resultados de /qr y /pair

outcome-already-connected = ✅ { $session } ya está conectada: no hace falta un código QR.
outcome-not-found = La sesión { $session } no se encontró en { -gateway }.
outcome-no-code = { -gateway } todavía no tiene un código QR para { $session }. Inténtalo de nuevo en un minuto.
outcome-refused = Ya no tienes acceso a { $session }.
outcome-too-many = Ya tienes { $limit } códigos QR en vivo abiertos, el máximo a la vez. Envía /cancel en un chat para detener sus códigos, o espera a que uno se vincule o caduque.
outcome-pairing-wait = Se pidió un código de vinculación para { $session } hace menos de un minuto, y WhatsApp bloquea el número tras pedidos repetidos. Puedes pedir el siguiente en { $seconds } s.
outcome-pairing-not-offered = Este servidor de { -gateway } no ofrece códigos de vinculación: escanea el QR.
outcome-rate-limited = { -gateway } está limitando nuestras llamadas. Inténtalo de nuevo en un minuto.
outcome-down = { -gateway } no responde ahora. Inténtalo de nuevo en un minuto.
access-unknown = No puedo comprobar el acceso ahora mismo (mi base de datos no responde). No se cambió nada; inténtalo de nuevo en un minuto.
outcome-busy = Otra copia de este bot está ocupada con { $session } y no la cedió. Inténtalo de nuevo en un minuto.
outcome-auth = { -gateway } rechazó la clave de API del bot. Avisa a un administrador.
outcome-invalid-response = { -gateway } envió una respuesta que no pude leer. Inténtalo de nuevo en un minuto.
outcome-telegram = Telegram no confirmó la foto del QR. Si no llegó ninguna foto, envía /qr { $id } otra vez.
outcome-photo-refused = Telegram rechazó la foto del QR ({ $reason }), así que no se envió nada. Envía /qr { $id } para intentarlo de nuevo.
outcome-photo-refused-plain = Telegram rechazó la foto del QR, así que no se envió nada. Envía /qr { $id } para intentarlo de nuevo.
pick-session = ¿Qué sesión?
pick-more = ({ $count } más sin mostrar: envía /qr <sesión>)
qr-restarted = El bot se reinició mientras enviaba el código QR de { $session }: envía /qr { $id } para recibir uno nuevo.

## El mensaje en vivo (pie y botones de la foto)

caption-qr-head = 📱 { $session }
caption-qr-series = código { $index } de { $total }
caption-qr-steps = En el teléfono: WhatsApp > Ajustes > Dispositivos vinculados > Vincular un dispositivo, y escanea este código.
caption-valid-for = Vale por { $left }, hasta las { $until }.
caption-updates = Este mensaje se actualiza solo.
time-seconds = { $seconds } s
time-about-seconds = unos { $seconds } s
time-minutes = unos { $minutes } min
caption-paused = ⏸ { $session }: el bot se está reiniciando, así que no se muestra ningún código por un momento. Este mensaje continúa solo cuando vuelva.
caption-connected = ✅ Conectado: { $session } está vinculada.
caption-expired = ⌛ Este código de { $session } caducó. { $reason }
    Pulsa Nuevo QR para un código nuevo.
caption-expired-pairing = ⌛ Este código de vinculación de { $session } caducó. { $reason }
    Pulsa Nuevo código para otro, o Mostrar QR para escanear.
caption-cancelled = ✖ Cancelado: { $session }. Envía /qr { $id } para un código nuevo.
caption-retired = Este código QR de { $session } fue reemplazado por un mensaje de QR más nuevo.
expired-codes-ran-out = Nadie lo escaneó a tiempo: WhatsApp termina una serie tras su último código.
expired-failed = Nadie lo escaneó a tiempo: WhatsApp termina una serie tras su último código.
expired-timed-out = Nadie lo escaneó a tiempo.
expired-pairing-timed-out = Nadie lo escribió en el teléfono a tiempo.
expired-stopped = La sesión se detuvo.
caption-pairing-head = 🔢 { $session }: código de vinculación para { $phone }
caption-pairing-steps = En el teléfono: WhatsApp > Dispositivos vinculados > Vincular un dispositivo > Vincular con el número de teléfono, y escribe este código.
caption-passkey-required =
    🔑 { $session }: WhatsApp pide a esta cuenta una llave de acceso, que hay que firmar en un navegador con la extensión de llaves de acceso de WAHA.
    El bot no puede hacer ese paso; este mensaje sigue a la sesión y cambia cuando avance.
caption-passkey-confirm-head = 🔑 { $session }: ¿el teléfono muestra este código?
caption-passkey-confirm-tail = Pulsa "Coincide" solo si WhatsApp en el teléfono muestra exactamente este código.
button-refresh = 🔄 Actualizar
button-cancel = ✖ Cancelar
button-phone-instead = 📱 Usar número de teléfono
button-show-qr = 📷 Mostrar QR
button-new-qr = 🆕 Nuevo QR
button-new-code = 🔢 Nuevo código
button-it-matches = ✅ Coincide
button-no-match = ❌ No coincide

## Respuestas a los botones

press-inactive = Este mensaje de QR ya no está activo. Envía /qr para uno nuevo.
press-refresh-new = Hay un código nuevo en el mensaje.
press-refresh-same = Este sigue siendo el código actual.
press-cancelled = Cancelado.
press-not-live = Este código QR ya no está en vivo.
press-getting-new = Buscando un código nuevo…
press-getting-qr = Buscando el código QR de { $session }…
press-showing-qr = Mostrando el QR…
press-asking-code = Pidiendo un código nuevo…
press-kept = Se mantiene.
press-deleting = Eliminando { $id }…
press-expired-confirm = Esta confirmación caducó. Envía /delete otra vez.
press-not-yours = Esta confirmación pertenece al administrador que la pidió.

## Códigos de vinculación

pair-offer = ¿Envío un código de vinculación de { $session } a { $phone }, el número que { -gateway } tiene para ella?
pair-offer-sent = Enviando un código de vinculación de { $session } a { $phone }: aparece en el mensaje del QR.
pair-offer-other = Otro número para { $session }: responde al siguiente mensaje con él.
pair-button-send = ✅ Enviar el código
pair-button-other = ✏️ Otro número
pair-ask = Responde a este mensaje con el número de teléfono de la cuenta de WhatsApp que se vinculará a { $session }, en formato internacional (por ejemplo +52 55 1234 5678).
pair-reply-hint = Responde a mi pregunta de arriba con el número.
pair-message-gone = Ese mensaje de QR ya no existe. Envía /qr para uno nuevo.

## Llaves de acceso

passkey-gone = WhatsApp ya no está esperando este código.
passkey-step-unknown = No puedo preguntar a la pasarela si WhatsApp sigue esperando este código; no se hizo nada. Inténtalo de nuevo en un momento.
passkey-confirm-failed = No pude confirmar: { $reason }.
passkey-confirmed = Confirmado. El teléfono debería vincularse en un momento.
passkey-stop-failed = No pude detener { $id }: { $reason }.
passkey-stopped-short = { $id } detenida.
passkey-rejected = Detuve { $id }: el código del teléfono no coincidía, así que no se vinculó nada. Envía /qr { $id } para empezar de nuevo.

## /cancel

cancel-none = No hay ningún código QR en vivo que detener aquí.
cancel-done = { $count ->
    [one] Detuve 1 código QR en vivo.
   *[other] Detuve { $count } códigos QR en vivo.
}

## /sessions y /status

sessions-title-admin = Sesiones en { -gateway } ({ $count })
sessions-title-user = Tus sesiones ({ $count })
sessions-page = , página { $page } de { $pages }
sessions-footer = Pulsa un nombre para su código QR en vivo.
sessions-none-admin = No hay sesiones en { -gateway }. Crea una con /new <nombre> <número de teléfono>.
sessions-button-status = ℹ️ Estado
sessions-button-previous = ◀ Anterior
sessions-button-next = Siguiente ▶
sessions-live = QR en vivo abierto

## /watch

watch-none = No vigilas ninguna sesión.
watch-list = Recibes un aviso aquí cuando una de estas sesiones se cae:
watch-already = Ya vigilas { $session }.
watch-linked = Su teléfono está vinculado ahora.
watch-not-linked = Su teléfono no está vinculado ahora ({ $raw }): te aviso cuando se vincule y si se cae después.
watch-unknown = No pude leer su estado ahora; la próxima revisión lo hará.
watch-started = 🔔 Vigilando { $session }: te aviso aquí si su teléfono deja de estar vinculado. { $now } /unwatch { $id } lo detiene.
unwatch-done = 🔕 No más avisos de { $id }.
unwatch-not-watching = No estabas vigilando { $id }.
alert-down =
    ⚠️ La sesión de WhatsApp { $session } ya no está vinculada (estado en { -gateway }: { $raw }).
    Escanea un nuevo código QR para vincular el teléfono otra vez.
alert-down-no-button = Envía /qr { $id } para un código nuevo.
alert-up = ✅ La sesión de WhatsApp { $session } volvió a estar en línea.
alert-button-new-qr = Enviar nuevo QR

## /start e invitaciones

invite-invalid = Este enlace de invitación no es válido. Pide uno nuevo a un administrador.
invite-used = Este enlace de invitación ya se usó. Pide uno nuevo a un administrador.
invite-expired = Este enlace de invitación caducó. Pide uno nuevo a un administrador.
invite-welcome = Ahora tienes acceso a { $session }. Envía /qr { $id } para recibir su código QR.
invite-already = Ya tenías acceso a { $session }. Envía /qr { $id } para recibir su código QR.

## Administración: accesos, usuarios, invitaciones, auditoría

grant-bad-user = "{ $value }" no es un id de usuario. Un id de usuario es un número: quien me envía cualquier cosa recibe el suyo, y /users lista las personas que he visto.
grant-bad-session = "{ $value }" no es un id de sesión. /sessions las lista.
grant-missing = No se dio acceso: { $id } no se encontró en { -gateway }.
grant-unchecked = No se dio acceso: no pude comprobar { $id } ({ $reason }).
grant-done = { $user } ya puede usar { $session }. Tiene que abrir un chat conmigo y enviar /qr { $id }.
grant-already = { $user } ya tenía { $session }.
revoke-done = { $user } ya no puede usar { $session }.
revoke-not-had = { $user } no tenía { $session }.
revoke-stopped = { $count ->
    [one] Detuve 1 código QR en vivo.
   *[other] Detuve { $count } códigos QR en vivo.
}
revoke-voided = { $count ->
    [one] Anulé 1 enlace de invitación abierto de { $id }.
   *[other] Anulé { $count } enlaces de invitación abiertos de { $id }.
}
users-admins = Administradores (todas las sesiones): { $admins }
users-grants = Accesos: { $count }
users-grants-of = Accesos a { $id }: { $count }
users-grant-line = { $id }: { $person } (por { $by }, { $at })
users-of-user = { $person } puede usar: { $sessions }
users-of-user-none = { $person } no tiene sesiones.
users-of-user-admin = { $person } es administrador: todas las sesiones.
invite-missing = No se creó la invitación: { $id } no se encontró en { -gateway }.
invite-unchecked = No se creó la invitación: no pude comprobar { $id } ({ $reason }).
invite-made =
    Invitación para { $session }, de un solo uso, válida hasta { $until }:
    { $link }
    Quien la abra primero obtiene acceso a esta sesión. /invites lista las abiertas, /uninvite anula una.
invites-none = No hay invitaciones abiertas.
invites-none-for = No hay invitaciones abiertas para { $id }.
invites-title = Invitaciones abiertas (anula una con /uninvite <id>):
invites-line = { $invite }: { $id }, de { $by }, válida hasta { $until }
uninvite-done = La invitación { $invite } quedó anulada: su enlace ya no funciona.
uninvite-unknown = No hay ninguna invitación abierta { $invite }. /invites las lista.
audit-empty = El registro de auditoría está vacío.
audit-title = Últimas { $count } entradas de auditoría (las más nuevas primero):
audit-title-filtered = Últimas { $count } entradas de auditoría de { $filter } (las más nuevas primero):

## Entradas de auditoría como frases ($who: "Ana (222)")

audit-qr-ok = { $at }: QR de { $session } enviado a { $who }
audit-qr-other = { $at }: QR de { $session } no enviado a { $who } ({ $outcome })
audit-pair-ok = { $at }: código de vinculación de { $session } enviado a { $who }
audit-pair-other = { $at }: código de vinculación de { $session } no enviado a { $who } ({ $outcome })
audit-denied = { $at }: a { $who } se le rechazó { $what }
audit-grant = { $at }: { $who } dio acceso a { $session } a { $detail }
audit-revoke = { $at }: { $who } quitó el acceso a { $session } a { $detail }
audit-invite-create = { $at }: { $who } creó un enlace de invitación para { $session }
audit-invite-redeem = { $at }: { $who } abrió un enlace de invitación ({ $outcome })
audit-invite-void = { $at }: { $who } anuló la invitación { $detail }
audit-other = { $at }: { $who }: { $action } { $session } ({ $outcome })
# An audit outcome in words (what the codes of the audit log mean).
audit-outcome-ok = hecho
audit-outcome-sent = enviado
audit-outcome-used = el enlace ya se había usado
audit-outcome-expired = el enlace había caducado
audit-outcome-invalid = no es un enlace válido
audit-outcome-already_granted = ya tenía acceso
audit-outcome-not_found = no se encontró la sesión
audit-outcome-already_connected = su teléfono ya estaba vinculado
audit-outcome-pairing_wait = se había pedido un código hacía menos de un minuto
audit-outcome-pairing_not_offered = la pasarela no ofrece códigos de vinculación
audit-outcome-refused = sin acceso
audit-outcome-too_many = demasiados códigos en vivo a la vez
audit-outcome-no_code = no llegó ningún código a tiempo
audit-outcome-cancelled = cancelado
audit-outcome-not_live = ya no estaba en vivo
audit-outcome-not_asked = WhatsApp no lo estaba pidiendo
audit-outcome-photo_refused = Telegram rechazó la foto
audit-outcome-unchanged = no cambió nada
audit-outcome-denied = rechazado
audit-outcome-error = falló
audit-outcome-left = el bot salió
audit-outcome-unavailable-rate_limited = la pasarela estaba limitando
audit-outcome-unavailable-down = la pasarela no respondía
audit-outcome-unavailable-auth = la pasarela rechazó la clave
audit-outcome-unavailable-invalid_response = la pasarela respondió algo ilegible
audit-outcome-unavailable-telegram = Telegram no confirmó la foto
audit-outcome-unavailable-busy = otra instancia tenía la sesión
audit-outcome-unavailable-access_unknown = no se pudo comprobar el acceso
audit-grant-unchanged = { $at }: { $who } dio acceso a { $session } a { $detail }, que ya lo tenía
audit-session-create = { $at }: { $who } creó la sesión { $session }
audit-session-restart = { $at }: { $who } reinició { $session }
audit-session-stop = { $at }: { $who } detuvo { $session }
audit-session-delete = { $at }: { $who } eliminó { $session }
audit-passkey-confirm = { $at }: { $who } confirmó el código de llave de acceso de { $session }
audit-passkey-reject = { $at }: { $who } rechazó el código de llave de acceso de { $session }, lo que la detuvo
audit-watch = { $at }: { $who } empezó a vigilar { $session }
audit-unwatch = { $at }: { $who } dejó de vigilar { $session }
audit-qr-cancel = { $at }: { $who } canceló el mensaje de QR de { $session }
audit-language = { $at }: { $who } eligió el idioma { $detail }
audit-nobody = alguien
person-unknown = Usuario { $user }

## Ciclo de vida de las sesiones (administradores)

new-name-too-long = Un nombre de sesión tiene como máximo { $max } caracteres. { $usage }
new-name-invisible = Un nombre de sesión no puede llevar caracteres invisibles (de control, marcas de dirección). { $usage }
new-created = Sesión { $name } creada. Su id es { $id }: úsalo en /qr { $id }, /pair, /grant y /invite.
new-failed = No pude crear la sesión: { $reason }.
restart-failed = No pude reiniciar { $id }: { $reason }.
stop-failed = No pude detener { $id }: { $reason }.
restart-done = Reiniciando { $id }. Un teléfono vinculado sigue vinculado; si no, envía /qr { $id } para su código.
stop-done = { $id } detenida. Envía /qr { $id } para iniciarla otra vez.
delete-cannot = No se puede eliminar { $id }: { $reason }.
delete-ask = ¿Eliminar la sesión { $session }? Su teléfono se desvincula y la sesión desaparece para siempre. El botón funciona durante { $seconds } s.
delete-button = 🗑 Eliminar { $id }
delete-keep-button = Mantener
delete-expired = Esta confirmación caducó: no se eliminó nada. Envía /delete <sesión> otra vez.
delete-kept = { $id } se mantiene: no se eliminó nada.
delete-failed = No pude eliminar { $id }: { $reason }.
delete-done = { $id } eliminada.

## /language

language-pick = Elige el idioma en el que te escribo:
language-set = A partir de ahora te escribo en español.
language-unknown = Todavía no hablo "{ $value }". { $usage }

## Ayuda

help-intro = Envío los códigos QR de vinculación de WhatsApp de las sesiones de { -gateway } y mantengo el código al día hasta que tu teléfono se vincule.
help-user =
    /qr <sesión> - un código QR en vivo (escanéalo en WhatsApp > Ajustes > Dispositivos vinculados > Vincular un dispositivo)
    /pair <sesión> <número de teléfono> - un código de vinculación para escribir en el teléfono en lugar de escanear (también el botón "Usar número de teléfono")
    /relink - cada sesión sin vincular, una tras otra, en un mensaje
    /status [sesión] - el estado de tus sesiones
    /sessions - las sesiones que puedes usar
    /cancel - detiene los códigos QR en vivo de este chat
    /watch <sesión> - un mensaje cuando un teléfono vinculado se cae, y cuando vuelve
    /unwatch <sesión> - detiene esos mensajes
    /language - el idioma en el que escribo
    /help - este mensaje
help-admin =
    Administración:
    /grant <id de usuario> <sesión> - deja que un usuario pida los códigos QR de una sesión
    /revoke <id de usuario> <sesión> - lo deshace
    /users [sesión | id de usuario] - quién tiene qué sesión
    /invite <sesión> - un enlace de un solo uso que da acceso a una sesión
    /invites [sesión] - los enlaces de invitación abiertos; /uninvite <id> anula uno
    /audit [sesión | id de usuario] - las últimas entradas de auditoría
    /new <nombre> <número de teléfono> - crea una sesión en { -gateway }
    /restart <sesión>, /stop <sesión> - reinicia o detiene una sesión
    /delete <sesión> - elimina una sesión (pide confirmación)
help-your-sessions = Tus sesiones: { $sessions }

## Menú de comandos (setMyCommands)

command-qr = Código QR de WhatsApp en vivo de una sesión
command-pair = Código de vinculación en vez de QR: /pair <sesión> <teléfono>
command-relink = Vincular cada sesión sin vincular, una tras otra
command-status = Estado de tus sesiones
command-sessions = Sesiones que puedes usar
command-cancel = Detiene los códigos QR en vivo de este chat
command-watch = Avísame cuando se caiga un teléfono vinculado
command-unwatch = Detiene los avisos de una sesión
command-language = El idioma en el que escribo
command-help = Lo que sé hacer
command-grant = Da acceso a una sesión: /grant <id> <sesión>
command-revoke = Quita el acceso: /revoke <id> <sesión>
command-users = Quién tiene qué sesión
command-invite = Enlace de invitación de un solo uso para una sesión
command-invites = Enlaces de invitación abiertos
command-uninvite = Anula un enlace de invitación
command-audit = Últimas entradas de auditoría
command-new = Crea una sesión: /new <nombre> <teléfono>
command-restart = Reinicia una sesión
command-stop = Detiene una sesión
command-delete = Elimina una sesión (pide confirmación)

## Live view (Mini App)

button-live-view = 📺 Abrir en vivo
app-title = En vivo
app-code-of = Código { $index } de { $total }
app-expires-in = Caduca en
app-expired-now = Este código caducó.
app-connecting = Conectando…
app-offline = Se perdió la conexión; reintentando…
app-not-live = No hay un código activo de esta sesión en tu chat. Envía /qr al bot para recibir uno.
app-refused = Ya no tienes acceso a esta sesión. Esta vista se detuvo.
app-stale = Esta vista se abrió hace demasiado tiempo. Ciérrala y ábrela de nuevo desde el mensaje del QR.
app-invalid = Esta página debe abrirse desde el mensaje de QR del bot en Telegram.
app-renew-failed = Ningún código nuevo: { $reason }

## /relink

relink-nothing = Nada que revincular: todas las sesiones que usas están vinculadas.
relink-step = 🔁 Revinculando { $index } de { $total }: { $session }
relink-done = ✅ Revinculación terminada: { $linked } vinculadas, { $skipped } omitidas.
relink-stopped = ⏹ Revinculación detenida en { $index } de { $total }: { $linked } vinculadas, { $skipped } omitidas.
relink-skipped-list = Omitidas: { $sessions }
relink-not-linked-list = Aún sin vincular: { $sessions }
relink-stuck = 🔁 Revinculando { $index } de { $total }: { $session }
    { $reason }
relink-replaced = ⏹ Revinculación detenida: un nuevo /relink tomó su lugar.
button-skip = ⏭ Omitir
button-stop = ⏹ Detener
button-retry = 🔄 Reintentar
press-skipped = Omitida.
press-stopped = Detenido.
