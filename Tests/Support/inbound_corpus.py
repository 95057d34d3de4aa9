#!/usr/bin/env python3
"""Writes the inbound-mail test corpus of FollowupInboundTests with Python's email package.

Usage: inbound_corpus.py FOLDER — one NAME.eml file per message. The messages are what partners'
mail servers and clients send (replies, out-of-office notices, bounces), written by an independent
writer, so our reader is checked against mail it did not make. Some are broken on purpose after
writing (missing closing boundary, bad base64).
"""
import email.policy
import json
import os
import sys
from email.charset import QP, BASE64, Charset
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
import datetime

CRLF = email.policy.SMTP
LF = email.policy.default.clone(max_line_length=78)
CRLF32 = email.policy.compat32.clone(linesep="\r\n")  # keeps encoded words exactly as written
DATE = format_datetime(datetime.datetime(2025, 2, 13, 14, 5, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=-3))))
OURS = "<FU-12.request.0193c2d4-7a1e@desk.example>"
RESEND = "<FU-12.resend.0193c2d5-0000@desk.example>"
out = {}


def base(msg, subject="Re: [FU-12] Verificação da integração", frm=("João da Silva", "Joao.Silva@SIEG.example"),
         thread=True, message_id="<reply-1@mail.sieg.example>"):
    msg["From"] = formataddr(frm)
    msg["To"] = "Suporte <suporte@desk.example>"
    if not isinstance(msg, EmailMessage) and not subject.isascii():
        subject = Header(subject, "utf-8").encode()  # compat32 messages need encoding by hand
    msg["Subject"] = subject
    msg["Date"] = DATE
    if message_id:
        msg["Message-ID"] = message_id
    if thread:
        msg["In-Reply-To"] = RESEND
        msg["References"] = OURS + " " + RESEND
    return msg


def plain(name, body, policy=LF, charset="utf-8", cte=None, **kw):
    msg = base(EmailMessage(policy=policy), **kw)
    if cte:
        msg.set_content(body, charset=charset, cte=cte)
    else:
        msg.set_content(body, charset=charset)
    out[name] = msg.as_bytes(policy=policy)
    return msg


def headers(msg, **fields):
    for key, value in fields.items():
        msg[key.replace("_", "-")] = value
    return msg


# Replies ---------------------------------------------------------------------------------------
plain("reply-pt-utf8", "Olá, a integração já está funcionando.\nAtenciosamente,\nJoão\n", policy=CRLF, cte="8bit",
      subject="Re: [FU-12] Verificação da integração — Padaria Pão Quente")
m = MIMEText("Bom dia,\nsegue a avaliação do certificado.\n", "plain", "iso-8859-1")
base(m, subject=Header("Re: [FU-7] Avaliação do certificado, ação necessária", "iso-8859-1").encode())
out["subject-latin1"] = m.as_bytes(policy=CRLF32)

html = """<html><head><title>Ignore me</title><style>p { color: red; }</style>
<script>alert('no');</script></head><body>
<p>Ol&aacute;, equipe!</p><p>A integra&ccedil;&atilde;o est&aacute; ok &#233; &#x263A;&nbsp;&amp; pronto.<br>Linha 2</p>
<div>Atenciosamente,</div><ul><li>Item um</li><li>Item dois</li></ul>
<div class="gmail_quote">Em qui., 13 de fev. de 2025 às 14:05, Suporte &lt;suporte@desk.example&gt; escreveu:<br>
<blockquote type="cite">Texto antigo citado</blockquote></div></body></html>"""
m = base(EmailMessage(policy=LF))
m.set_content(html, subtype="html")
out["html-only"] = m.as_bytes()

m = base(EmailMessage(policy=CRLF), subject="RE: [FU-12] Alternativa")
m.set_content("Texto simples da resposta.\n")
m.add_alternative("<p>Texto <b>HTML</b> da resposta.</p>", subtype="html")
out["alternative"] = m.as_bytes()

cs = Charset("iso-8859-1")
cs.body_encoding = QP
m = MIMENonMultipart("text", "plain")
m.set_payload("Prezados, a configuração do módulo fiscal foi concluída às 15h. Não há pendências.\n", cs)
out["qp-latin1"] = base(m).as_bytes(policy=CRLF32)

cs = Charset("windows-1252")
cs.body_encoding = BASE64
m = MIMENonMultipart("text", "plain")
m.set_payload("“Certificado” renovado — custo de €\u00a0120,00; até sexta…\n", cs)
out["base64-cp1252"] = base(m).as_bytes(policy=email.policy.compat32)

m = base(EmailMessage(policy=LF), subject="RE: [FU-12] Relatório")
m.set_content("Segue o relatório em anexo.\n")
m.add_attachment(b"%PDF-1.4 fake" * 100, maintype="application", subtype="pdf",
                 filename=("utf-8", "", "relatório de ação — integração fiscal da padaria pão quente 2025.pdf"))
m.add_attachment(b"\x89PNG fake", maintype="image", subtype="png", filename="print.png")
out["attachment-rfc2231"] = m.as_bytes()

m = base(EmailMessage(policy=LF), subject="Re: [fu-42] Pendência no cadastro", thread=False, message_id=None)
m.set_content("Resolvido do nosso lado.\n")
out["tag-only"] = m.as_bytes()

# Automatic replies -----------------------------------------------------------------------------
m = base(EmailMessage(policy=CRLF), subject="Resposta automática: [FU-12] Reenvio: verificação da integração",
         frm=("Carla Souza", "carla@sieg.example"), thread=True)
headers(m, X_Auto_Response_Suppress="All", X_MS_Exchange_Inbox_Rules_Loop="carla@sieg.example")
m.set_content("Estou fora do escritório até 20/02, com acesso limitado ao e-mail.\n")
out["outlook-ooo"] = m.as_bytes()

m = base(EmailMessage(policy=LF), subject="Re: [FU-12] Reenvio: verificação da integração",
         frm=("Pedro", "pedro@gmail.example"))
headers(m, Auto_Submitted="auto-replied", Precedence="bulk")
m.set_content("Estou de férias, respondo na volta.\n")
out["gmail-vacation"] = m.as_bytes()

m = base(EmailMessage(policy=CRLF), subject="Fora do escritório: Re: [FU-12] Reenvio",
         frm=("Marcos", "marcos@zimbra.example"))
headers(m, Auto_Submitted="auto-replied (zimbra; vacation)")
m.set_content("Ausente até segunda-feira.\n")
out["zimbra-ooo"] = m.as_bytes()

m = base(EmailMessage(policy=LF), subject="Chamado #123 recebido", frm=("Central SIEG", "central@sieg.example"))
headers(m, Auto_Submitted="auto-generated")
m.set_content("Recebemos sua solicitação e abrimos o chamado #123. Prazo de resposta: 24h.\n")
out["helpdesk-ack"] = m.as_bytes()

for name, subject in [("subject-ausente", "Ausente: RE: [FU-12] Reenvio"),
                      ("subject-ooo-en", "Out of Office: [FU-12] Resend"),
                      ("subject-automatic-reply", "Automatic reply: [FU-12] Resend"),
                      ("subject-auto-colon", "Auto: [FU-12] Reenvio")]:
    plain(name, "I am away.\n", subject=subject)
m = plain("auto-submitted-no", "Resposta de verdade.\n")
del m["Auto-Submitted"]
m["Auto-Submitted"] = "no"
out["auto-submitted-no"] = m.as_bytes()
m = plain("null-return-path", "Aviso.\n")
m["Return-Path"] = "<>"
out["null-return-path"] = m.as_bytes()


# Bounces ---------------------------------------------------------------------------------------
def original():
    o = EmailMessage(policy=CRLF)
    o["From"] = "Suporte <suporte@desk.example>"
    o["To"] = "ninguem@sieg.example"
    o["Subject"] = "[FU-12] Reenvio: verificação da integração"
    o["Message-ID"] = RESEND
    o["Date"] = DATE
    o.set_content("Prezados, reenviamos a solicitação.\n")
    return o


def status_block(fields):
    block = Message()
    for key, value in fields:
        block[key] = value
    return block


def dsn(name, action, attach_headers_only):
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mx.desk.example>"
    report["To"] = "suporte@desk.example"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Date"] = DATE
    report["Message-ID"] = "<20250213170510.ABC123@mx.desk.example>"
    report["Auto-Submitted"] = "auto-replied"
    report.attach(MIMEText("I'm sorry to have to inform you that your message could not be delivered.\n"))
    status = MIMEBase("message", "delivery-status")
    status.set_payload([
        status_block([("Reporting-MTA", "dns; mx.desk.example"), ("Arrival-Date", DATE)]),
        status_block([("Original-Recipient", "rfc822; Ninguem@SIEG.example"),
                      ("Final-Recipient", "rfc822; ninguem@sieg.example"), ("Action", action),
                      ("Status", "5.1.1" if action == "failed" else "4.4.1"),
                      ("Remote-MTA", "dns; mx.sieg.example"),
                      ("Diagnostic-Code", "smtp; 550 5.1.1 <ninguem@sieg.example>: Recipient address rejected")]),
        status_block([("Final-Recipient", "rfc822; outro@sieg.example"), ("Action", action),
                      ("Status", "5.2.2")]),
    ])
    report.attach(status)
    if attach_headers_only:
        text = original().as_bytes().split(b"\r\n\r\n")[0].decode("ascii") + "\r\n"
        report.attach(MIMEText(text, "rfc822-headers", "us-ascii"))
    else:
        report.attach(MIMEMessage(original()))
    out[name] = report.as_bytes(policy=CRLF32)


dsn("bounce-headers", "failed", True)
dsn("bounce-rfc822", "failed", False)
dsn("delay-notice", "delayed", True)

# Quoted history in each marker style -----------------------------------------------------------
quoted = {
    "quote-gmail-pt": "Pode fechar, já resolvemos.\n\nEm qui., 13 de fev. de 2025 às 14:05, Suporte <\n"
                      "suporte@desk.example> escreveu:\n\n> Prezados, reenviamos a solicitação.\n> Obrigado\n",
    "quote-en-wrote": "Fixed on our side.\n\nOn Thu, Feb 13, 2025 at 2:05 PM Support <suporte@desk.example> wrote:\n"
                      "> We are resending the request.\n",
    "quote-unquoted-attribution": "Segue resposta.\n\nEm 13/02/2025 14:05, Suporte escreveu:\n"
                                  "Prezados, reenviamos a solicitação.\n",
    "quote-outlook-pt": "Ok, concluído.\n\n________________________________\nDe: Suporte <suporte@desk.example>\n"
                        "Enviado: quinta-feira, 13 de fevereiro de 2025 14:05\nPara: SIEG <suporte@sieg.example>\n"
                        "Assunto: [FU-12] Reenvio\n\nPrezados, reenviamos a solicitação.\n",
    "quote-outlook-en": "Done.\n\nFrom: Suporte <suporte@desk.example>\nSent: Thursday, February 13, 2025 2:05 PM\n"
                        "To: SIEG <suporte@sieg.example>\nSubject: [FU-12] Resend\n\nWe are resending the request.\n",
    "quote-original-message": "Recebido.\n\n-----Original Message-----\nFrom: Suporte\nSent: Thursday\n\nOld text\n",
    "quote-mensagem-original": "Recebido, obrigado.\n\n-----Mensagem original-----\nDe: Suporte\n\nTexto antigo\n",
    "quote-zimbra": "Tudo certo.\n\n----- Mensagem original -----\nDe: \"Suporte\" <suporte@desk.example>\n"
                    "Para: \"SIEG\"\nEnviadas: Quinta-feira, 13 de fevereiro de 2025 14:05:09\nTexto antigo\n",
    "quote-bottom-post": "Em 13/02/2025 14:05, Suporte escreveu:\n> A integração está ok?\n\nSim, está ok.\n",
    "quote-gt-only": "> Pergunta antiga\nResposta nova.\n",
}
for name, body in quoted.items():
    plain(name, body)

# Broken MIME -----------------------------------------------------------------------------------
m = base(EmailMessage(policy=CRLF), subject="RE: [FU-12] Quebrada")
m.set_content("Texto que deve sobreviver, mesmo com base64 estragado.\n", cte="base64")
m.add_attachment(b"conteudo do anexo " * 20, maintype="application", subtype="octet-stream", filename="a.bin")
raw = m.as_bytes()
boundary = m.get_boundary().encode()
raw = raw.replace(b"--" + boundary + b"--", b"")  # no closing boundary
lines = raw.split(b"\r\n")
for i, line in enumerate(lines):  # damage the base64 of the attachment
    if line.startswith(b"Y29udGV"):
        lines[i] = b"Y29u!!@@##dGV" + line[10:-7]
    elif line.startswith(b"VGV4dG8g"):  # the text: junk inside, which a tolerant reader skips
        lines[i] = line[:8] + b"!*!" + line[8:]
raw = b"\r\n".join(lines)
out["broken-mime"] = raw

# Big and deep ----------------------------------------------------------------------------------
m = base(EmailMessage(policy=LF), subject="RE: [FU-12] Logs")
m.set_content("Seguem os logs completos em anexo.\n")
m.add_attachment(os.urandom(15 * 1024 * 1024), maintype="application", subtype="zip", filename="logs.zip")
out["large-20mb"] = m.as_bytes()


def nested(depth):
    inner = MIMEText("Fundo do poço.\n", "plain", "utf-8")
    for _ in range(depth - 1):
        outer = MIMEMultipart("mixed")
        outer.attach(inner)
        inner = outer
    return base(inner)


out["nested-5"] = nested(5).as_bytes(policy=CRLF32)
out["nested-30"] = nested(30).as_bytes(policy=CRLF32)
many = MIMEMultipart("mixed")
for i in range(600):
    many.attach(MIMEText(f"parte {i}\n"))
out["many-parts"] = base(many).as_bytes(policy=CRLF32)



def reading(data):
    """Python's own reading of a message, for FollowupInboundTests to compare with ours."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    body = msg.get_body(preferencelist=("plain",))
    date = msg["date"]
    return {
        "subject": str(msg["subject"] or ""),
        "from": [a.addr_spec.lower() for a in msg["from"].addresses] if msg["from"] else [],
        "fromNames": [a.display_name for a in msg["from"].addresses] if msg["from"] else [],
        "messageID": str(msg["message-id"] or "").strip().strip("<>"),
        "date": date.datetime.timestamp() if date is not None and date.datetime else None,
        "plain": body.get_content() if body is not None else None,
        "attachments": [[part.get_filename(), part.get_content_type(), len(part.get_payload(decode=True) or b"")]
                        for part in msg.iter_attachments()],
    }


folder = sys.argv[1]
os.makedirs(folder, exist_ok=True)
readings = {}
for name, data in out.items():
    with open(os.path.join(folder, name + ".eml"), "wb") as f:
        f.write(data)
    if not name.startswith(("broken", "large", "nested", "many", "bounce", "delay")):
        readings[name] = reading(data)
with open(os.path.join(folder, "python-readings.json"), "w") as f:
    json.dump(readings, f, ensure_ascii=False, indent=1)
print(len(out))
