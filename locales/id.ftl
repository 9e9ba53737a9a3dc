# wasend-qr-bot: semua teks bot, dalam bahasa Indonesia.
# Penanda: $session adalah nama sesi ("Toko (toko-1)" atau "toko-1"), $id id sesi, $user id pengguna.

## Cara pakai

# The gateway the sessions live on; the bot sets it from GATEWAY (Wasend or WAHA).
-gateway = Wasend

usage-qr = Cara pakai: /qr <sesi> (atau cukup /qr untuk memilih salah satu sesi Anda)
usage-status = Cara pakai: /status [sesi]
usage-grant = Cara pakai: /grant <id pengguna> <sesi>
usage-revoke = Cara pakai: /revoke <id pengguna> <sesi>
usage-users = Cara pakai: /users [sesi | id pengguna]
usage-invite = Cara pakai: /invite <sesi>
usage-invites = Cara pakai: /invites [sesi]
usage-uninvite = Cara pakai: /uninvite <id> (id 8 karakter yang ditampilkan /invites)
usage-audit = Cara pakai: /audit [sesi | id pengguna]
usage-cancel = Cara pakai: /cancel
usage-pair = Cara pakai: /pair <sesi> <nomor telepon>, misalnya /pair demo +62 812 3456 7890
usage-new = Cara pakai: /new <nama> <nomor telepon>, misalnya /new toko +62 812 3456 7890 (nama berupa satu kata)
usage-restart = Cara pakai: /restart <sesi>
usage-stop = Cara pakai: /stop <sesi>
usage-delete = Cara pakai: /delete <sesi>
usage-sessions = Cara pakai: /sessions
usage-watch = Cara pakai: /watch <sesi> (atau cukup /watch untuk melihat yang Anda pantau)
usage-unwatch = Cara pakai: /unwatch <sesi>
usage-language = Cara pakai: /language (atau /language pt-BR, es, id, en)

## Balasan umum

phone-format = Itu bukan nomor telepon dalam format internasional. Kirim 8 sampai 15 angka yang diawali kode negara, misalnya +62 812 3456 7890 (boleh memakai +, spasi, dan tanda hubung).
refused-stranger =
    Maaf, Anda tidak punya akses ke bot ini. Minta tautan undangan kepada admin.
    Id Telegram Anda adalah { $user }: kirimkan ke admin.
refused-session = Anda tidak punya akses ke sesi itu.
did-you-mean = Maksud Anda { $suggestion }?
admin-only = Hanya admin yang bisa melakukan itu.
qr-only-private = Kode QR hanya dikirim di obrolan pribadi dengan bot. Buka obrolan pribadi dengan saya dan kirim /qr di sana.
private-only = Saya hanya bekerja di obrolan pribadi. Buka obrolan pribadi dengan saya dan kirim /help di sana.
no-sessions = Anda belum punya sesi. Minta admin memberi Anda satu sesi atau mengirim tautan undangan.
something-wrong = Terjadi kesalahan. Coba lagi dalam satu menit.
unknown-command = Saya tidak mengenal { $command }. Kirim /help untuk melihat apa yang bisa saya lakukan.
not-a-command = Saya hanya memahami perintah. Kirim /help untuk melihat apa yang bisa saya lakukan.
slow-down = Pelan-pelan: Anda bisa meminta lagi dalam { $seconds } dtk.
list-failed = Tidak bisa menampilkan daftar sesi: { $reason }.
no-sessions-on-wasend = Tidak ada sesi di { -gateway }.
more-lines = ... dan { $count } lainnya

## Arti panggilan Wasend yang gagal (melengkapi kalimat)

failure-not-found = tidak ditemukan di { -gateway }
failure-rate-limited = { -gateway } sedang membatasi permintaan kami, coba lagi dalam satu menit
failure-auth = { -gateway } menolak kunci API bot, beri tahu admin
failure-invalid-response = { -gateway } mengirim jawaban yang tidak bisa saya baca, coba lagi dalam satu menit
failure-invalid-id = bukan id sesi yang valid
failure-session-limit = WAHA ini hanya menjalankan sesi "default" (WAHA Core sebelum 2026.6.1); pakai /qr default, atau perbarui WAHA untuk sesi lainnya
failure-not-offered = gateway ini tidak menawarkan itu
failure-down = { -gateway } sedang tidak bisa dihubungi, coba lagi dalam satu menit

## Status sesi dalam kata-kata

status-connected = ✅ terhubung
status-awaiting-scan = 📷 menunggu QR dipindai
status-starting = ⏳ sedang dimulai
status-stopped = ⏹ berhenti (kirim /qr untuk menautkannya)
status-failed = ❌ gagal (kirim /qr untuk memulai ulang)
status-passkey-required = 🔑 butuh kunci sandi (WhatsApp memintanya untuk menautkan)
status-passkey-confirmation = 🔑 menunggu kode kunci sandi dikonfirmasi
status-unknown = ❔ { $raw }
status-live = { $line } (QR langsung terbuka)
status-more = ... dan { $count } lainnya: kirim /status <sesi>

## Hasil /qr dan /pair

outcome-already-connected = ✅ { $session } sudah terhubung: tidak perlu kode QR.
outcome-not-found = Sesi { $session } tidak ditemukan di { -gateway }.
outcome-no-code = { -gateway } belum punya kode QR untuk { $session }. Coba lagi dalam satu menit.
outcome-refused = Anda tidak lagi punya akses ke { $session }.
outcome-too-many = Anda sudah membuka { $limit } kode QR langsung, batas sekaligus. Kirim /cancel di sebuah obrolan untuk menghentikan kodenya, atau tunggu sampai salah satu tertaut atau kedaluwarsa.
outcome-pairing-wait = Kode penautan untuk { $session } diminta kurang dari semenit yang lalu, dan WhatsApp mengunci nomor setelah permintaan berulang. Anda bisa meminta yang berikutnya dalam { $seconds } dtk.
outcome-pairing-not-offered = Server { -gateway } ini tidak menyediakan kode penautan: pindai QR saja.
outcome-rate-limited = { -gateway } sedang membatasi permintaan kami. Coba lagi dalam satu menit.
outcome-down = { -gateway } sedang tidak bisa dihubungi. Coba lagi dalam satu menit.
access-unknown = Saya tidak dapat memeriksa akses saat ini (database saya tidak menjawab). Tidak ada yang diubah; coba lagi dalam satu menit.
outcome-busy = Salinan lain bot ini sedang menangani { $session } dan tidak menyerahkannya. Coba lagi dalam satu menit.
outcome-auth = { -gateway } menolak kunci API bot. Beri tahu admin.
outcome-invalid-response = { -gateway } mengirim jawaban yang tidak bisa saya baca. Coba lagi dalam satu menit.
outcome-telegram = Telegram tidak mengonfirmasi foto QR. Jika tidak ada foto yang masuk, kirim /qr { $id } lagi.
outcome-photo-refused = Telegram menolak foto QR ({ $reason }), jadi tidak ada yang terkirim. Kirim /qr { $id } untuk mencoba lagi.
outcome-photo-refused-plain = Telegram menolak foto QR, jadi tidak ada yang terkirim. Kirim /qr { $id } untuk mencoba lagi.
pick-session = Sesi yang mana?
pick-more = ({ $count } lainnya tidak ditampilkan: kirim /qr <sesi>)
qr-restarted = Bot dimulai ulang saat mengirim kode QR untuk { $session }: kirim /qr { $id } untuk mendapatkan yang baru.

## Pesan langsung (keterangan dan tombol foto)

caption-qr-head = 📱 { $session }
caption-qr-series = kode { $index } dari { $total }
caption-qr-steps = Di ponsel: WhatsApp > Setelan > Perangkat tertaut > Tautkan perangkat, lalu pindai kode ini.
caption-valid-for = Berlaku { $left }, sampai { $until }.
caption-updates = Pesan ini diperbarui sendiri.
time-seconds = { $seconds } dtk
time-about-seconds = sekitar { $seconds } dtk
time-minutes = sekitar { $minutes } mnt
caption-paused = ⏸ { $session }: bot sedang dimulai ulang, jadi kode tidak ditampilkan sejenak. Pesan ini berlanjut sendiri saat bot kembali.
caption-connected = ✅ Terhubung: { $session } sudah tertaut.
caption-expired = ⌛ Kode untuk { $session } ini kedaluwarsa. { $reason }
    Tekan QR baru untuk kode baru.
caption-expired-pairing = ⌛ Kode penautan untuk { $session } ini kedaluwarsa. { $reason }
    Tekan Kode baru untuk kode lain, atau Tampilkan QR untuk memindai.
caption-cancelled = ✖ Dibatalkan: { $session }. Kirim /qr { $id } untuk kode baru.
caption-retired = Kode QR untuk { $session } ini telah diganti dengan pesan QR yang lebih baru.
expired-codes-ran-out = Tidak ada yang memindainya tepat waktu: WhatsApp mengakhiri satu seri setelah kode terakhirnya.
expired-failed = Tidak ada yang memindainya tepat waktu: WhatsApp mengakhiri satu seri setelah kode terakhirnya.
expired-timed-out = Tidak ada yang memindainya tepat waktu.
expired-pairing-timed-out = Tidak ada yang mengetikkannya di ponsel tepat waktu.
expired-stopped = Sesi dihentikan.
caption-pairing-head = 🔢 { $session }: kode penautan untuk { $phone }
caption-pairing-steps = Di ponsel: WhatsApp > Perangkat tertaut > Tautkan perangkat > Tautkan dengan nomor telepon saja, lalu ketik kode ini.
caption-passkey-required =
    🔑 { $session }: WhatsApp meminta kunci sandi untuk akun ini, yang harus ditandatangani di peramban dengan ekstensi kunci sandi WAHA.
    Bot tidak bisa melakukan langkah itu; pesan ini mengikuti sesi dan berubah saat sesi berlanjut.
caption-passkey-confirm-head = 🔑 { $session }: apakah ponsel menampilkan kode ini?
caption-passkey-confirm-tail = Tekan "Cocok" hanya jika WhatsApp di ponsel menampilkan kode yang persis sama.
button-refresh = 🔄 Perbarui
button-cancel = ✖ Batal
button-phone-instead = 📱 Pakai nomor telepon
button-show-qr = 📷 Tampilkan QR
button-new-qr = 🆕 QR baru
button-new-code = 🔢 Kode baru
button-it-matches = ✅ Cocok
button-no-match = ❌ Tidak cocok

## Jawaban tombol

press-inactive = Pesan QR ini sudah tidak aktif. Kirim /qr untuk yang baru.
press-refresh-new = Kode baru sudah ditampilkan.
press-refresh-same = Ini masih kode yang berlaku.
press-cancelled = Dibatalkan.
press-not-live = Kode QR ini sudah tidak langsung.
press-getting-new = Mengambil kode baru…
press-getting-qr = Mengambil kode QR untuk { $session }…
press-showing-qr = Menampilkan QR…
press-asking-code = Meminta kode baru…
press-kept = Dipertahankan.
press-deleting = Menghapus { $id }…
press-expired-confirm = Konfirmasi ini sudah kedaluwarsa. Kirim /delete lagi.
press-not-yours = Konfirmasi ini milik admin yang memintanya.

## Kode penautan

pair-offer = Kirim kode penautan { $session } ke { $phone }, nomor yang dicatat { -gateway } untuk sesi ini?
pair-offer-sent = Mengirim kode penautan untuk { $session } ke { $phone }: kode muncul di pesan QR.
pair-offer-other = Nomor lain untuk { $session }: balas pesan berikutnya dengan nomor itu.
pair-button-send = ✅ Kirim kodenya
pair-button-other = ✏️ Nomor lain
pair-ask = Balas pesan ini dengan nomor telepon akun WhatsApp yang akan ditautkan ke { $session }, dalam format internasional (misalnya +62 812 3456 7890).
pair-reply-hint = Balas pertanyaan saya di atas dengan nomornya.
pair-message-gone = Pesan QR itu sudah tidak ada. Kirim /qr untuk yang baru.

## Kunci sandi

passkey-gone = WhatsApp tidak lagi menunggu kode ini.
passkey-step-unknown = Saya tidak dapat menanyakan ke gateway apakah WhatsApp masih menunggu kode ini; tidak ada yang dilakukan. Coba lagi sebentar lagi.
passkey-confirm-failed = Tidak bisa mengonfirmasi: { $reason }.
passkey-confirmed = Terkonfirmasi. Ponsel akan tertaut sebentar lagi.
passkey-stop-failed = Tidak bisa menghentikan { $id }: { $reason }.
passkey-stopped-short = { $id } dihentikan.
passkey-rejected = { $id } saya hentikan: kode di ponsel tidak cocok, jadi tidak ada yang ditautkan. Kirim /qr { $id } untuk mulai lagi.

## /cancel

cancel-none = Tidak ada kode QR langsung yang bisa dihentikan di sini.
cancel-done = { $count ->
   *[other] { $count } kode QR langsung dihentikan.
}

## /sessions dan /status

sessions-title-admin = Sesi di { -gateway } ({ $count })
sessions-title-user = Sesi Anda ({ $count })
sessions-page = , halaman { $page } dari { $pages }
sessions-footer = Tekan sebuah nama untuk kode QR langsungnya.
sessions-none-admin = Tidak ada sesi di { -gateway }. Buat satu dengan /new <nama> <nomor telepon>.
sessions-button-status = ℹ️ Status
sessions-button-previous = ◀ Sebelumnya
sessions-button-next = Berikutnya ▶
sessions-live = QR langsung terbuka

## /watch

watch-none = Anda tidak memantau sesi apa pun.
watch-list = Anda mendapat peringatan di sini saat salah satu sesi ini terputus:
watch-already = Anda sudah memantau { $session }.
watch-linked = Ponselnya sedang tertaut.
watch-not-linked = Ponselnya sedang tidak tertaut ({ $raw }): saya kabari saat tertaut dan jika terputus setelahnya.
watch-unknown = Saya tidak bisa membaca statusnya sekarang; pemeriksaan berikutnya akan membacanya.
watch-started = 🔔 Memantau { $session }: saya kabari di sini jika ponselnya tidak lagi tertaut. { $now } /unwatch { $id } menghentikannya.
unwatch-done = 🔕 Tidak ada peringatan lagi untuk { $id }.
unwatch-not-watching = Anda tidak sedang memantau { $id }.
alert-down =
    ⚠️ Sesi WhatsApp { $session } tidak lagi tertaut (status di { -gateway }: { $raw }).
    Pindai kode QR baru untuk menautkan ponsel lagi.
alert-down-no-button = Kirim /qr { $id } untuk kode baru.
alert-up = ✅ Sesi WhatsApp { $session } kembali daring.
alert-button-new-qr = Kirim QR baru

## /start dan undangan

invite-invalid = Tautan undangan ini tidak valid. Minta yang baru kepada admin.
invite-used = Tautan undangan ini sudah dipakai. Minta yang baru kepada admin.
invite-expired = Tautan undangan ini sudah kedaluwarsa. Minta yang baru kepada admin.
invite-welcome = Sekarang Anda punya akses ke { $session }. Kirim /qr { $id } untuk mendapatkan kode QR-nya.
invite-already = Anda sudah punya akses ke { $session }. Kirim /qr { $id } untuk mendapatkan kode QR-nya.

## Admin: akses, pengguna, undangan, audit

grant-bad-user = "{ $value }" bukan id pengguna. Id pengguna berupa angka: siapa pun yang mengirimi saya pesan akan mendapat id-nya, dan /users menampilkan orang yang pernah saya lihat.
grant-bad-session = "{ $value }" bukan id sesi. /sessions menampilkan daftarnya.
grant-missing = Akses tidak diberikan: { $id } tidak ditemukan di { -gateway }.
grant-unchecked = Akses tidak diberikan: { $id } tidak bisa diperiksa ({ $reason }).
grant-done = { $user } sekarang bisa memakai { $session }. Ia perlu membuka obrolan dengan saya dan mengirim /qr { $id }.
grant-already = { $user } sudah punya { $session }.
revoke-done = { $user } tidak lagi bisa memakai { $session }.
revoke-not-had = { $user } tidak punya { $session }.
revoke-stopped = { $count ->
   *[other] { $count } kode QR langsung dihentikan.
}
revoke-voided = { $count ->
   *[other] { $count } tautan undangan terbuka untuk { $id } dibatalkan.
}
users-admins = Admin (semua sesi): { $admins }
users-grants = Akses: { $count }
users-grants-of = Akses ke { $id }: { $count }
users-grant-line = { $id }: { $person } (oleh { $by }, { $at })
users-of-user = { $person } bisa memakai: { $sessions }
users-of-user-none = { $person } tidak punya sesi.
users-of-user-admin = { $person } adalah admin: semua sesi.
invite-missing = Undangan tidak dibuat: { $id } tidak ditemukan di { -gateway }.
invite-unchecked = Undangan tidak dibuat: { $id } tidak bisa diperiksa ({ $reason }).
invite-made =
    Undangan untuk { $session }, sekali pakai, berlaku sampai { $until }:
    { $link }
    Siapa pun yang membukanya pertama kali mendapat akses ke sesi ini. /invites menampilkan yang masih terbuka, /uninvite membatalkan satu.
invites-none = Tidak ada undangan terbuka.
invites-none-for = Tidak ada undangan terbuka untuk { $id }.
invites-title = Undangan terbuka (batalkan dengan /uninvite <id>):
invites-line = { $invite }: { $id }, oleh { $by }, berlaku sampai { $until }
uninvite-done = Undangan { $invite } dibatalkan: tautannya tidak berfungsi lagi.
uninvite-unknown = Tidak ada undangan terbuka { $invite }. /invites menampilkan daftarnya.
audit-empty = Log audit kosong.
audit-title = { $count } entri audit terakhir (terbaru dulu):
audit-title-filtered = { $count } entri audit terakhir untuk { $filter } (terbaru dulu):

## Entri audit sebagai kalimat ($who: "Ana (222)")

audit-qr-ok = { $at }: QR { $session } dikirim ke { $who }
audit-qr-other = { $at }: QR { $session } tidak dikirim ke { $who } ({ $outcome })
audit-pair-ok = { $at }: kode penautan { $session } dikirim ke { $who }
audit-pair-other = { $at }: kode penautan { $session } tidak dikirim ke { $who } ({ $outcome })
audit-denied = { $at }: { $who } ditolak untuk { $what }
audit-grant = { $at }: { $who } memberi akses { $session } kepada { $detail }
audit-revoke = { $at }: { $who } mencabut akses { $session } dari { $detail }
audit-invite-create = { $at }: { $who } membuat tautan undangan untuk { $session }
audit-invite-redeem = { $at }: { $who } membuka tautan undangan ({ $outcome })
audit-invite-void = { $at }: { $who } membatalkan undangan { $detail }
audit-other = { $at }: { $who }: { $action } { $session } ({ $outcome })
# An audit outcome in words (what the codes of the audit log mean).
audit-outcome-ok = selesai
audit-outcome-sent = terkirim
audit-outcome-used = tautan sudah dipakai
audit-outcome-expired = tautan sudah kedaluwarsa
audit-outcome-invalid = bukan tautan yang sah
audit-outcome-already_granted = sudah punya akses
audit-outcome-not_found = sesi tidak ditemukan
audit-outcome-already_connected = ponselnya sudah tertaut
audit-outcome-pairing_wait = kode sudah diminta kurang dari semenit sebelumnya
audit-outcome-pairing_not_offered = gateway tidak menawarkan kode penautan
audit-outcome-refused = tanpa akses
audit-outcome-too_many = terlalu banyak kode aktif sekaligus
audit-outcome-no_code = tidak ada kode yang datang tepat waktu
audit-outcome-cancelled = dibatalkan
audit-outcome-not_live = sudah tidak aktif
audit-outcome-not_asked = WhatsApp tidak sedang memintanya
audit-outcome-photo_refused = Telegram menolak foto
audit-outcome-unchanged = tidak ada yang berubah
audit-outcome-denied = ditolak
audit-outcome-error = gagal
audit-outcome-left = bot keluar
audit-outcome-unavailable-rate_limited = gateway sedang membatasi
audit-outcome-unavailable-down = gateway tidak terjangkau
audit-outcome-unavailable-auth = gateway menolak kuncinya
audit-outcome-unavailable-invalid_response = jawaban gateway tak terbaca
audit-outcome-unavailable-telegram = Telegram tidak mengonfirmasi foto
audit-outcome-unavailable-busy = instans lain memegang sesinya
audit-outcome-unavailable-access_unknown = akses tidak dapat diperiksa
audit-grant-unchanged = { $at }: { $who } memberi akses { $session } kepada { $detail }, yang sudah memilikinya
audit-session-create = { $at }: { $who } membuat sesi { $session }
audit-session-restart = { $at }: { $who } memulai ulang { $session }
audit-session-stop = { $at }: { $who } menghentikan { $session }
audit-session-delete = { $at }: { $who } menghapus { $session }
audit-passkey-confirm = { $at }: { $who } mengonfirmasi kode kunci sandi { $session }
audit-passkey-reject = { $at }: { $who } menolak kode kunci sandi { $session }, sehingga sesi dihentikan
audit-watch = { $at }: { $who } mulai memantau { $session }
audit-unwatch = { $at }: { $who } berhenti memantau { $session }
audit-qr-cancel = { $at }: { $who } membatalkan pesan QR { $session }
audit-language = { $at }: { $who } memilih bahasa { $detail }
audit-nobody = seseorang
person-unknown = Pengguna { $user }

## Siklus hidup sesi (admin)

new-name-too-long = Nama sesi paling banyak { $max } karakter. { $usage }
new-name-invisible = Nama sesi tidak boleh berisi karakter tak terlihat (karakter kontrol, tanda arah). { $usage }
new-created = Sesi { $name } dibuat. Id-nya { $id }: pakai di /qr { $id }, /pair, /grant, dan /invite.
new-failed = Tidak bisa membuat sesi: { $reason }.
restart-failed = Tidak bisa memulai ulang { $id }: { $reason }.
stop-failed = Tidak bisa menghentikan { $id }: { $reason }.
restart-done = Memulai ulang { $id }. Ponsel yang tertaut tetap tertaut; jika tidak, kirim /qr { $id } untuk kodenya.
stop-done = { $id } dihentikan. Kirim /qr { $id } untuk memulainya lagi.
delete-cannot = Tidak bisa menghapus { $id }: { $reason }.
delete-ask = Hapus sesi { $session }? Ponselnya dikeluarkan dan sesi hilang untuk selamanya. Tombolnya berlaku selama { $seconds } dtk.
delete-button = 🗑 Hapus { $id }
delete-keep-button = Simpan
delete-expired = Konfirmasi ini sudah kedaluwarsa: tidak ada yang dihapus. Kirim /delete <sesi> lagi.
delete-kept = { $id } disimpan: tidak ada yang dihapus.
delete-failed = Tidak bisa menghapus { $id }: { $reason }.
delete-done = { $id } dihapus.

## /language

language-pick = Pilih bahasa yang saya pakai untuk menulis kepada Anda:
language-set = Mulai sekarang saya menulis kepada Anda dalam bahasa Indonesia.
language-unknown = Saya belum bisa berbahasa "{ $value }". { $usage }

## Bantuan

help-intro = Saya mengirim kode QR penautan WhatsApp untuk sesi { -gateway } dan menjaga kodenya tetap terbaru sampai ponsel Anda tertaut.
help-user =
    /qr <sesi> - kode QR langsung (pindai di WhatsApp > Setelan > Perangkat tertaut > Tautkan perangkat)
    /pair <sesi> <nomor telepon> - kode penautan untuk diketik di ponsel sebagai ganti memindai (juga tombol "Pakai nomor telepon")
    /relink - setiap sesi yang belum tertaut, satu per satu, dalam satu pesan
    /status [sesi] - status sesi Anda
    /sessions - sesi yang bisa Anda pakai
    /cancel - hentikan kode QR langsung di obrolan ini
    /watch <sesi> - pesan saat ponsel yang tertaut terputus, dan saat kembali
    /unwatch <sesi> - hentikan pesan-pesan itu
    /language - bahasa yang saya pakai
    /help - pesan ini
help-admin =
    Admin:
    /grant <id pengguna> <sesi> - izinkan pengguna mengambil kode QR untuk sebuah sesi
    /revoke <id pengguna> <sesi> - cabut izin itu
    /users [sesi | id pengguna] - siapa memegang sesi apa
    /invite <sesi> - tautan sekali pakai yang memberi akses ke sebuah sesi
    /invites [sesi] - tautan undangan yang masih terbuka; /uninvite <id> membatalkan satu
    /audit [sesi | id pengguna] - entri audit terakhir
    /new <nama> <nomor telepon> - buat sesi di { -gateway }
    /restart <sesi>, /stop <sesi> - mulai ulang atau hentikan sesi
    /delete <sesi> - hapus sesi (meminta konfirmasi)
help-your-sessions = Sesi Anda: { $sessions }

## Menu perintah (setMyCommands)

command-qr = Kode QR WhatsApp langsung untuk sebuah sesi
command-pair = Kode penautan sebagai ganti QR: /pair <sesi> <telepon>
command-relink = Tautkan setiap sesi yang belum tertaut, satu per satu
command-status = Status sesi Anda
command-sessions = Sesi yang bisa Anda pakai
command-cancel = Hentikan kode QR langsung di obrolan ini
command-watch = Kabari saya saat ponsel tertaut terputus
command-unwatch = Hentikan peringatan untuk sebuah sesi
command-language = Bahasa yang saya pakai
command-help = Apa yang bisa saya lakukan
command-grant = Beri akses sesi: /grant <id> <sesi>
command-revoke = Cabut akses: /revoke <id> <sesi>
command-users = Siapa memegang sesi apa
command-invite = Tautan undangan sekali pakai untuk sebuah sesi
command-invites = Tautan undangan terbuka
command-uninvite = Batalkan tautan undangan
command-audit = Entri audit terakhir
command-new = Buat sesi: /new <nama> <telepon>
command-restart = Mulai ulang sesi
command-stop = Hentikan sesi
command-delete = Hapus sesi (meminta konfirmasi)

## Live view (Mini App)

button-live-view = 📺 Buka tampilan langsung
app-title = Tampilan langsung
app-code-of = Kode { $index } dari { $total }
app-expires-in = Kedaluwarsa dalam
app-expired-now = Kode ini sudah kedaluwarsa.
app-connecting = Menghubungkan…
app-offline = Koneksi terputus; mencoba lagi…
app-not-live = Tidak ada kode aktif untuk sesi ini di chat Anda. Kirim /qr ke bot untuk mendapatkannya.
app-refused = Anda tidak lagi punya akses ke sesi ini. Tampilan ini berhenti.
app-stale = Tampilan ini dibuka terlalu lama. Tutup dan buka lagi dari pesan QR.
app-invalid = Halaman ini harus dibuka dari pesan QR bot di Telegram.
app-renew-failed = Tidak ada kode baru: { $reason }

## /relink

relink-nothing = Tidak ada yang perlu ditautkan ulang: semua sesi Anda sudah tertaut.
relink-step = 🔁 Menautkan ulang { $index } dari { $total }: { $session }
relink-done = ✅ Penautan ulang selesai: { $linked } tertaut, { $skipped } dilewati.
relink-stopped = ⏹ Penautan ulang berhenti di { $index } dari { $total }: { $linked } tertaut, { $skipped } dilewati.
relink-skipped-list = Dilewati: { $sessions }
relink-not-linked-list = Belum tertaut: { $sessions }
relink-stuck = 🔁 Menautkan ulang { $index } dari { $total }: { $session }
    { $reason }
relink-replaced = ⏹ Penautan ulang berhenti: /relink baru mengambil alih.
button-skip = ⏭ Lewati
button-stop = ⏹ Berhenti
button-retry = 🔄 Coba lagi
press-skipped = Dilewati.
press-stopped = Dihentikan.
