# wasend-qr-bot: todos os textos do bot, em português do Brasil.
# Marcadores: $session é o nome de uma sessão ("Loja (loja-1)" ou "loja-1"), $id o id da sessão, $user o id de um usuário.

## Linhas de uso

# The gateway the sessions live on; the bot sets it from GATEWAY (Wasend or WAHA).
-gateway = Wasend

usage-qr = Uso: /qr <sessão> (ou só /qr para escolher uma das suas)
usage-status = Uso: /status [sessão]
usage-grant = Uso: /grant <id do usuário> <sessão>
usage-revoke = Uso: /revoke <id do usuário> <sessão>
usage-users = Uso: /users [sessão | id do usuário]
usage-invite = Uso: /invite <sessão>
usage-invites = Uso: /invites [sessão]
usage-uninvite = Uso: /uninvite <id> (o id de 8 caracteres que /invites mostra)
usage-audit = Uso: /audit [sessão | id do usuário]
usage-cancel = Uso: /cancel
usage-pair = Uso: /pair <sessão> <número de telefone>, por exemplo /pair demo +55 11 98765-4321
usage-new = Uso: /new <nome> <número de telefone>, por exemplo /new loja +55 11 98765-4321 (o nome é uma palavra só)
usage-restart = Uso: /restart <sessão>
usage-stop = Uso: /stop <sessão>
usage-delete = Uso: /delete <sessão>
usage-sessions = Uso: /sessions
usage-watch = Uso: /watch <sessão> (ou só /watch para ver o que você acompanha)
usage-unwatch = Uso: /unwatch <sessão>
usage-language = Uso: /language (ou /language pt-BR, es, id, en)

## Respostas comuns

phone-format = Isso não é um número de telefone no formato internacional. Envie de 8 a 15 dígitos começando pelo código do país, por exemplo +55 11 98765-4321 (pode usar +, espaços e hífens).
refused-stranger =
    Desculpe, você não tem acesso a este bot. Peça a um administrador um link de convite.
    Seu id do Telegram é { $user }: envie-o a um administrador.
refused-session = Você não tem acesso a essa sessão.
did-you-mean = Você quis dizer { $suggestion }?
admin-only = Só administradores podem fazer isso.
qr-only-private = Os QR codes só são enviados em um chat privado com o bot. Abra um chat privado comigo e envie /qr lá.
private-only = Eu só funciono em chat privado. Abra um chat privado comigo e envie /help lá.
no-sessions = Você ainda não tem sessões. Peça a um administrador que libere uma para você ou que envie um link de convite.
something-wrong = Algo deu errado. Tente de novo em um minuto.
unknown-command = Não conheço { $command }. Envie /help para ver o que eu sei fazer.
not-a-command = Eu só entendo comandos. Envie /help para ver o que eu sei fazer.
slow-down = Calma: você pode pedir de novo em { $seconds } s.
list-failed = Não consegui listar as sessões: { $reason }.
no-sessions-on-wasend = Não há sessões no { -gateway }.
more-lines = ... e mais { $count }

## O que significa uma chamada ao Wasend que falhou (completa uma frase)

failure-not-found = não encontrada no { -gateway }
failure-rate-limited = o { -gateway } está limitando nossas chamadas, tente de novo em um minuto
failure-auth = o { -gateway } recusou a chave de API do bot, avise um administrador
failure-invalid-response = o { -gateway } enviou uma resposta que não consegui ler, tente de novo em um minuto
failure-invalid-id = não é um id de sessão válido
failure-session-limit = este WAHA só roda a sessão "default" (WAHA Core anterior a 2026.6.1); use /qr default ou atualize o WAHA para ter mais sessões
failure-not-offered = este gateway não oferece isso
failure-down = o { -gateway } está fora do ar agora, tente de novo em um minuto

## Estado da sessão em palavras

status-connected = ✅ conectada
status-awaiting-scan = 📷 aguardando a leitura do QR
status-starting = ⏳ iniciando
status-stopped = ⏹ parada (envie /qr para conectar)
status-failed = ❌ com falha (envie /qr para reiniciar)
status-passkey-required = 🔑 precisa de uma chave de acesso (o WhatsApp pede uma para conectar)
status-passkey-confirmation = 🔑 aguardando a confirmação de um código de chave de acesso
status-unknown = ❔ { $raw }
status-live = { $line } (QR ao vivo aberto)
status-more = ... e mais { $count }: envie /status <sessão>

## Resultados de /qr e /pair

outcome-already-connected = ✅ { $session } já está conectada: não precisa de QR code.
outcome-not-found = A sessão { $session } não foi encontrada no { -gateway }.
outcome-no-code = O { -gateway } ainda não tem QR code para { $session }. Tente de novo em um minuto.
outcome-refused = Você não tem mais acesso a { $session }.
outcome-too-many = Você já tem { $limit } QR codes ao vivo abertos, o máximo de uma vez. Envie /cancel em um chat para parar os códigos dele, ou espere um ser conectado ou expirar.
outcome-pairing-wait = Um código de pareamento para { $session } foi pedido há menos de um minuto, e o WhatsApp bloqueia o número depois de pedidos repetidos. Você pode pedir o próximo em { $seconds } s.
outcome-pairing-not-offered = Este servidor { -gateway } não oferece códigos de pareamento: leia o QR.
outcome-rate-limited = O { -gateway } está limitando nossas chamadas. Tente de novo em um minuto.
outcome-down = O { -gateway } está fora do ar agora. Tente de novo em um minuto.
access-unknown = Não consigo verificar o acesso agora (meu banco de dados não responde). Nada foi alterado; tente de novo em um minuto.
outcome-busy = Outra cópia deste bot está ocupada com { $session } e não a passou adiante. Tente de novo em um minuto.
outcome-auth = O { -gateway } recusou a chave de API do bot. Avise um administrador.
outcome-invalid-response = O { -gateway } enviou uma resposta que não consegui ler. Tente de novo em um minuto.
outcome-telegram = O Telegram não confirmou a foto do QR. Se nenhuma foto chegou, envie /qr { $id } de novo.
outcome-photo-refused = O Telegram recusou a foto do QR ({ $reason }), então nada foi enviado. Envie /qr { $id } para tentar de novo.
outcome-photo-refused-plain = O Telegram recusou a foto do QR, então nada foi enviado. Envie /qr { $id } para tentar de novo.
pick-session = Qual sessão?
pick-more = (mais { $count } não mostradas: envie /qr <sessão>)
qr-restarted = O bot reiniciou enquanto enviava o QR code de { $session }: envie /qr { $id } para receber um novo.

## A mensagem ao vivo (legendas e botões da foto)

caption-qr-head = 📱 { $session }
caption-qr-series = código { $index } de { $total }
caption-qr-steps = No celular: WhatsApp > Configurações > Dispositivos conectados > Conectar um dispositivo, e leia este código.
caption-valid-for = Vale por { $left }, até { $until }.
caption-updates = Esta mensagem se atualiza sozinha.
time-seconds = { $seconds } s
time-about-seconds = cerca de { $seconds } s
time-minutes = cerca de { $minutes } min
caption-paused = ⏸ { $session }: o bot está reiniciando, então nenhum código aparece por um momento. Esta mensagem continua sozinha quando ele voltar.
caption-connected = ✅ Conectado: { $session } está conectada.
caption-expired = ⌛ Este código de { $session } expirou. { $reason }
    Toque em Novo QR para um código novo.
caption-expired-pairing = ⌛ Este código de pareamento de { $session } expirou. { $reason }
    Toque em Novo código para outro, ou em Mostrar QR para ler o QR.
caption-cancelled = ✖ Cancelado: { $session }. Envie /qr { $id } para um código novo.
caption-retired = Este QR code de { $session } foi substituído por uma mensagem de QR mais nova.
expired-codes-ran-out = Ninguém escaneou a tempo: o WhatsApp encerra uma série depois do último código.
expired-failed = Ninguém escaneou a tempo: o WhatsApp encerra uma série depois do último código.
expired-timed-out = Ninguém leu o código a tempo.
expired-pairing-timed-out = Ninguém digitou no celular a tempo.
expired-stopped = A sessão foi parada.
caption-pairing-head = 🔢 { $session }: código de pareamento para { $phone }
caption-pairing-steps = No celular: WhatsApp > Dispositivos conectados > Conectar um dispositivo > Conectar com número de telefone, e digite este código.
caption-passkey-required =
    🔑 { $session }: o WhatsApp pede a esta conta uma chave de acesso, que precisa ser assinada em um navegador com a extensão de chaves de acesso do WAHA.
    O bot não consegue fazer esse passo; esta mensagem acompanha a sessão e muda quando ela avançar.
caption-passkey-confirm-head = 🔑 { $session }: o celular mostra este código?
caption-passkey-confirm-tail = Toque em "É igual" só se o WhatsApp no celular mostrar exatamente este código.
button-refresh = 🔄 Atualizar
button-cancel = ✖ Cancelar
button-phone-instead = 📱 Usar número de telefone
button-show-qr = 📷 Mostrar QR
button-new-qr = 🆕 Novo QR
button-new-code = 🔢 Novo código
button-it-matches = ✅ É igual
button-no-match = ❌ Não é igual

## Respostas aos botões

press-inactive = Esta mensagem de QR não está mais ativa. Envie /qr para uma nova.
press-refresh-new = Um código novo está na mensagem.
press-refresh-same = Este ainda é o código atual.
press-cancelled = Cancelado.
press-not-live = Este QR code não está mais ao vivo.
press-getting-new = Buscando um código novo…
press-getting-qr = Buscando o QR code de { $session }…
press-showing-qr = Mostrando o QR…
press-asking-code = Pedindo um código novo…
press-kept = Mantida.
press-deleting = Excluindo { $id }…
press-expired-confirm = Esta confirmação expirou. Envie /delete de novo.
press-not-yours = Esta confirmação pertence ao administrador que a pediu.

## Códigos de pareamento

pair-offer = Enviar um código de pareamento de { $session } para { $phone }, o número que o { -gateway } tem para ela?
pair-offer-sent = Enviando um código de conexão de { $session } para { $phone }: ele aparece na mensagem do QR.
pair-offer-other = Outro número para { $session }: responda à próxima mensagem com ele.
pair-button-send = ✅ Enviar o código
pair-button-other = ✏️ Outro número
pair-ask = Responda a esta mensagem com o número de telefone da conta de WhatsApp a conectar em { $session }, no formato internacional (por exemplo +55 11 98765-4321).
pair-reply-hint = Responda à minha pergunta acima com o número.
pair-message-gone = Essa mensagem de QR não existe mais. Envie /qr para uma nova.

## Chaves de acesso

passkey-gone = O WhatsApp não está mais esperando este código.
passkey-step-unknown = Não consigo perguntar ao gateway se o WhatsApp ainda espera este código; nada foi feito. Tente de novo daqui a pouco.
passkey-confirm-failed = Não consegui confirmar: { $reason }.
passkey-confirmed = Confirmado. O celular deve conectar em instantes.
passkey-stop-failed = Não consegui parar { $id }: { $reason }.
passkey-stopped-short = { $id } parada.
passkey-rejected = Parei { $id }: o código no celular não era igual, então nada foi conectado. Envie /qr { $id } para começar de novo.

## /cancel

cancel-none = Não há QR code ao vivo para parar aqui.
cancel-done = { $count ->
    [one] Parei 1 QR code ao vivo.
   *[other] Parei { $count } QR codes ao vivo.
}

## /sessions e /status

sessions-title-admin = Sessões no { -gateway } ({ $count })
sessions-title-user = Suas sessões ({ $count })
sessions-page = , página { $page } de { $pages }
sessions-footer = Toque em um nome para o QR code ao vivo dele.
sessions-none-admin = Não há sessões no { -gateway }. Crie uma com /new <nome> <número de telefone>.
sessions-button-status = ℹ️ Estado
sessions-button-previous = ◀ Anterior
sessions-button-next = Próxima ▶
sessions-live = QR ao vivo aberto

## /watch

watch-none = Você não acompanha nenhuma sessão.
watch-list = Você recebe um alerta aqui quando uma destas sessões cai:
watch-already = Você já acompanha { $session }.
watch-linked = O celular dela está conectado agora.
watch-not-linked = O celular dela não está conectado agora ({ $raw }): aviso quando conectar e se cair depois disso.
watch-unknown = Não consegui ler o estado agora; a próxima verificação vai ler.
watch-started = 🔔 Acompanhando { $session }: aviso aqui se o celular dela não estiver mais conectado. { $now } /unwatch { $id } para.
unwatch-done = 🔕 Sem mais alertas para { $id }.
unwatch-not-watching = Você não estava acompanhando { $id }.
alert-down =
    ⚠️ A sessão de WhatsApp { $session } não está mais conectada (estado no { -gateway }: { $raw }).
    Leia um novo QR code para conectar o celular de novo.
alert-down-no-button = Envie /qr { $id } para um código novo.
alert-up = ✅ A sessão de WhatsApp { $session } voltou.
alert-button-new-qr = Enviar novo QR

## /start e convites

invite-invalid = Este link de convite não é válido. Peça um novo a um administrador.
invite-used = Este link de convite já foi usado. Peça um novo a um administrador.
invite-expired = Este link de convite expirou. Peça um novo a um administrador.
invite-welcome = Agora você tem acesso a { $session }. Envie /qr { $id } para receber o QR code dela.
invite-already = Você já tinha acesso a { $session }. Envie /qr { $id } para receber o QR code dela.

## Administração: acessos, usuários, convites, auditoria

grant-bad-user = "{ $value }" não é um id de usuário. Um id de usuário é um número: quem me envia qualquer coisa recebe o seu, e /users lista as pessoas que já vi.
grant-bad-session = "{ $value }" não é um id de sessão. /sessions lista as sessões.
grant-missing = Nenhum acesso dado: { $id } não foi encontrada no { -gateway }.
grant-unchecked = Nenhum acesso dado: não consegui verificar { $id } ({ $reason }).
grant-done = { $user } agora pode usar { $session }. A pessoa precisa abrir um chat comigo e enviar /qr { $id }.
grant-already = { $user } já tinha { $session }.
revoke-done = { $user } não pode mais usar { $session }.
revoke-not-had = { $user } não tinha { $session }.
revoke-stopped = { $count ->
    [one] Parei 1 QR code ao vivo.
   *[other] Parei { $count } QR codes ao vivo.
}
revoke-voided = { $count ->
    [one] Anulei 1 link de convite aberto para { $id }.
   *[other] Anulei { $count } links de convite abertos para { $id }.
}
users-admins = Administradores (todas as sessões): { $admins }
users-grants = Acessos: { $count }
users-grants-of = Acessos a { $id }: { $count }
users-grant-line = { $id }: { $person } (por { $by }, { $at })
users-of-user = { $person } pode usar: { $sessions }
users-of-user-none = { $person } não tem sessões.
users-of-user-admin = { $person } é administrador: todas as sessões.
invite-missing = Nenhum convite criado: { $id } não foi encontrada no { -gateway }.
invite-unchecked = Nenhum convite criado: não consegui verificar { $id } ({ $reason }).
invite-made =
    Convite para { $session }, de uso único, válido até { $until }:
    { $link }
    Quem abrir primeiro ganha acesso a esta sessão. /invites lista os abertos, /uninvite anula um.
invites-none = Não há convites abertos.
invites-none-for = Não há convites abertos para { $id }.
invites-title = Convites abertos (anule um com /uninvite <id>):
invites-line = { $invite }: { $id }, por { $by }, válido até { $until }
uninvite-done = O convite { $invite } foi anulado: o link não funciona mais.
uninvite-unknown = Não há convite aberto { $invite }. /invites lista os convites.
audit-empty = O registro de auditoria está vazio.
audit-title = Últimas { $count } entradas da auditoria (mais novas primeiro):
audit-title-filtered = Últimas { $count } entradas da auditoria de { $filter } (mais novas primeiro):

## Entradas da auditoria como frases ($who: "Ana (222)")

audit-qr-ok = { $at }: QR de { $session } enviado para { $who }
audit-qr-other = { $at }: QR de { $session } não enviado para { $who } ({ $outcome })
audit-pair-ok = { $at }: código de pareamento de { $session } enviado para { $who }
audit-pair-other = { $at }: código de pareamento de { $session } não enviado para { $who } ({ $outcome })
audit-denied = { $at }: { $who } teve { $what } recusado
audit-grant = { $at }: { $who } deu acesso a { $session } para { $detail }
audit-revoke = { $at }: { $who } tirou o acesso a { $session } de { $detail }
audit-invite-create = { $at }: { $who } criou um link de convite para { $session }
audit-invite-redeem = { $at }: { $who } abriu um link de convite ({ $outcome })
audit-invite-void = { $at }: { $who } anulou o convite { $detail }
audit-other = { $at }: { $who }: { $action } { $session } ({ $outcome })
# An audit outcome in words (what the codes of the audit log mean).
audit-outcome-ok = feito
audit-outcome-sent = enviado
audit-outcome-used = o link já tinha sido usado
audit-outcome-expired = o link tinha expirado
audit-outcome-invalid = não é um link válido
audit-outcome-already_granted = já tinha acesso
audit-outcome-not_found = a sessão não foi encontrada
audit-outcome-already_connected = o celular já estava conectado
audit-outcome-pairing_wait = um código tinha sido pedido havia menos de um minuto
audit-outcome-pairing_not_offered = o gateway não oferece códigos de conexão
audit-outcome-refused = sem acesso
audit-outcome-too_many = códigos ao vivo demais ao mesmo tempo
audit-outcome-no_code = nenhum código chegou a tempo
audit-outcome-cancelled = cancelado
audit-outcome-not_live = já não estava ao vivo
audit-outcome-not_asked = o WhatsApp não estava pedindo
audit-outcome-photo_refused = o Telegram recusou a foto
audit-outcome-unchanged = nada mudou
audit-outcome-denied = recusado
audit-outcome-error = falhou
audit-outcome-left = o bot saiu
audit-outcome-unavailable-rate_limited = o gateway estava limitando
audit-outcome-unavailable-down = o gateway estava fora do ar
audit-outcome-unavailable-auth = o gateway recusou a chave
audit-outcome-unavailable-invalid_response = o gateway respondeu algo ilegível
audit-outcome-unavailable-telegram = o Telegram não confirmou a foto
audit-outcome-unavailable-busy = outra instância estava com a sessão
audit-outcome-unavailable-access_unknown = não foi possível verificar o acesso
audit-grant-unchanged = { $at }: { $who } deu acesso a { $session } para { $detail }, que já o tinha
audit-session-create = { $at }: { $who } criou a sessão { $session }
audit-session-restart = { $at }: { $who } reiniciou { $session }
audit-session-stop = { $at }: { $who } parou { $session }
audit-session-delete = { $at }: { $who } excluiu { $session }
audit-passkey-confirm = { $at }: { $who } confirmou o código de chave de acesso de { $session }
audit-passkey-reject = { $at }: { $who } recusou o código de chave de acesso de { $session }, o que a parou
audit-watch = { $at }: { $who } começou a acompanhar { $session }
audit-unwatch = { $at }: { $who } parou de acompanhar { $session }
audit-qr-cancel = { $at }: { $who } cancelou a mensagem de QR de { $session }
audit-language = { $at }: { $who } escolheu o idioma { $detail }
audit-nobody = alguém
person-unknown = Usuário { $user }

## Ciclo de vida das sessões (administradores)

new-name-too-long = Um nome de sessão tem no máximo { $max } caracteres. { $usage }
new-name-invisible = Um nome de sessão não pode ter caracteres invisíveis (de controle, marcas de direção). { $usage }
new-created = Sessão { $name } criada. O id dela é { $id }: use-o em /qr { $id }, /pair, /grant e /invite.
new-failed = Não consegui criar a sessão: { $reason }.
restart-failed = Não consegui reiniciar { $id }: { $reason }.
stop-failed = Não consegui parar { $id }: { $reason }.
restart-done = Reiniciando { $id }. Um celular conectado continua conectado; senão, envie /qr { $id } para o código.
stop-done = { $id } parada. Envie /qr { $id } para iniciá-la de novo.
delete-cannot = Não é possível excluir { $id }: { $reason }.
delete-ask = Excluir a sessão { $session }? O celular dela é desconectado e a sessão some para sempre. O botão funciona por { $seconds } s.
delete-button = 🗑 Excluir { $id }
delete-keep-button = Manter
delete-expired = Esta confirmação expirou: nada foi excluído. Envie /delete <sessão> de novo.
delete-kept = { $id } mantida: nada foi excluído.
delete-failed = Não consegui excluir { $id }: { $reason }.
delete-done = { $id } excluída.

## /language

language-pick = Escolha o idioma em que eu escrevo para você:
language-set = A partir de agora escrevo para você em português.
language-unknown = Ainda não falo "{ $value }". { $usage }

## Ajuda

help-intro = Eu envio os QR codes de pareamento do WhatsApp das sessões do { -gateway } e mantenho o código atualizado até o seu celular se conectar.
help-user =
    /qr <sessão> - um QR code ao vivo (leia no WhatsApp > Configurações > Dispositivos conectados > Conectar um dispositivo)
    /pair <sessão> <número de telefone> - um código de pareamento para digitar no celular em vez de ler o QR (também o botão "Usar número de telefone")
    /relink - cada sessão não conectada, uma após a outra, em uma mensagem
    /status [sessão] - o estado das suas sessões
    /sessions - as sessões que você pode usar
    /cancel - para os QR codes ao vivo deste chat
    /watch <sessão> - uma mensagem quando um celular conectado cair, e quando voltar
    /unwatch <sessão> - para essas mensagens
    /language - o idioma em que eu escrevo
    /help - esta mensagem
help-admin =
    Administração:
    /grant <id do usuário> <sessão> - deixa um usuário buscar os QR codes de uma sessão
    /revoke <id do usuário> <sessão> - desfaz isso
    /users [sessão | id do usuário] - quem tem qual sessão
    /invite <sessão> - um link de uso único que dá acesso a uma sessão
    /invites [sessão] - os links de convite abertos; /uninvite <id> anula um
    /audit [sessão | id do usuário] - as últimas entradas da auditoria
    /new <nome> <número de telefone> - cria uma sessão no { -gateway }
    /restart <sessão>, /stop <sessão> - reinicia ou para uma sessão
    /delete <sessão> - exclui uma sessão (pede confirmação)
help-your-sessions = Suas sessões: { $sessions }

## Menu de comandos (setMyCommands)

command-qr = QR code ao vivo do WhatsApp de uma sessão
command-pair = Código de pareamento em vez de QR: /pair <sessão> <telefone>
command-relink = Conectar cada sessão não conectada, uma após a outra
command-status = Estado das suas sessões
command-sessions = Sessões que você pode usar
command-cancel = Para os QR codes ao vivo deste chat
command-watch = Me avisa quando um celular conectado cair
command-unwatch = Para os alertas de uma sessão
command-language = O idioma em que eu escrevo
command-help = O que eu sei fazer
command-grant = Dá acesso a uma sessão: /grant <id> <sessão>
command-revoke = Tira o acesso: /revoke <id> <sessão>
command-users = Quem tem qual sessão
command-invite = Link de convite de uso único para uma sessão
command-invites = Links de convite abertos
command-uninvite = Anula um link de convite
command-audit = Últimas entradas da auditoria
command-new = Cria uma sessão: /new <nome> <telefone>
command-restart = Reinicia uma sessão
command-stop = Para uma sessão
command-delete = Exclui uma sessão (pede confirmação)

## Live view (Mini App)

button-live-view = 📺 Abrir ao vivo
app-title = Ao vivo
app-code-of = Código { $index } de { $total }
app-expires-in = Expira em
app-expired-now = Este código expirou.
app-connecting = Conectando…
app-offline = Conexão perdida; tentando de novo…
app-not-live = Não há código ativo desta sessão no seu chat. Envie /qr ao bot para receber um.
app-refused = Você não tem mais acesso a esta sessão. Esta visualização parou.
app-stale = Esta visualização foi aberta há muito tempo. Feche e abra de novo pela mensagem do QR.
app-invalid = Esta página deve ser aberta pela mensagem de QR do bot no Telegram.
app-renew-failed = Nenhum código novo: { $reason }

## /relink

relink-nothing = Nada para reconectar: todas as sessões que você usa estão conectadas.
relink-step = 🔁 Reconectando { $index } de { $total }: { $session }
relink-done = ✅ Reconexão concluída: { $linked } conectadas, { $skipped } puladas.
relink-stopped = ⏹ Reconexão parada em { $index } de { $total }: { $linked } conectadas, { $skipped } puladas.
relink-skipped-list = Puladas: { $sessions }
relink-not-linked-list = Ainda não conectadas: { $sessions }
relink-stuck = 🔁 Reconectando { $index } de { $total }: { $session }
    { $reason }
relink-replaced = ⏹ Reconexão parada: um novo /relink assumiu.
button-skip = ⏭ Pular
button-stop = ⏹ Parar
button-retry = 🔄 Tentar de novo
press-skipped = Pulada.
press-stopped = Parado.
