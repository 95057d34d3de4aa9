import FollowupConfig

/// What the web pages say, in the desk's language (`reports.locale`: pt-BR by default, en).
struct WebWording: Sendable {
    /// The language (`reports.locale`).
    let language: ReportSettings.Language
    /// The `lang` of the pages.
    let lang: String
    /// Each text by key, as the templates read it (`{{t.signIn}}`).
    let texts: [String: String]

    init(_ language: ReportSettings.Language) {
        self.language = language
        switch language {
        case .ptBR:
            lang = "pt-BR"
            texts = Self.portuguese
        case .en:
            lang = "en"
            texts = Self.english
        }
    }

    subscript(_ key: String) -> String { texts[key] ?? key }

    /// The name of a role in this language.
    func role(_ role: String) -> String { self["role." + role] }

    static let portuguese: [String: String] = [
        "boardTitle": "Quadro", "owner": "Técnico", "state": "Situação", "allStates": "Todas", "kind": "Tipo",
        "allKinds": "Todos", "filter": "Filtrar", "subject": "Assunto", "next": "Próximo passo",
        "noCases": "Nenhum caso aqui.", "more": "Mais casos", "urgent": "urgente", "priority": "prioridade",
        "state.awaiting_partner": "Aguardando o parceiro", "state.awaiting_us": "Aguardando a gente",
        "state.returned_to_client": "Devolvidos ao cliente",
        "kind.third_party": "Verificação com parceiro", "kind.cancellation": "Cancelamento",
        "kind.handoff": "Repasse ao parceiro",
        "next.resend": "reenviar ao parceiro", "next.report": "relatório de tentativas",
        "next.owner_reminder": "lembrete ao técnico", "next.client_reminder": "lembrete ao cliente",
        "next.deadline_warning": "aviso de prazo", "next.close_returned": "encerrar o caso",
        "in": "em %@", "ago": "atrasado há %@",
        "signInTitle": "Entrar", "login": "Usuário", "password": "Senha", "signIn": "Entrar",
        "signInOIDC": "Entrar com a conta da empresa", "account": "Minha conta", "accountTitle": "Minha conta",
        "person": "Pessoa", "role": "Papel", "signedInWith": "Entrou com", "sessionEnds": "Sessão válida até",
        "signOut": "Sair", "method.local": "conta local", "method.oidc": "conta da empresa",
        "role.reader": "leitura", "role.technician": "técnico", "role.leader": "líder", "role.admin": "administrador",
        "role.none": "sem acesso",
        "ackTitle": "Confirmar ciência", "ackButton": "Confirmar ciência", "case": "Caso", "client": "Cliente",
        "partner": "Parceiro", "about": "Assunto", "sentAt": "Enviado em", "for": "Para",
        "ackDone": "Ciência confirmada por %@ em %@.",
        "refused": "Usuário ou senha incorretos.",
        "locked": "Muitas tentativas erradas: esta conta está bloqueada até %@. Tente depois ou peça uma nova senha.",
        "throttled": "Muitas tentativas deste endereço. Espere alguns minutos e tente de novo.",
        "noRole":
            "Você entrou, mas não tem papel no followupd. Peça a um administrador para incluir seu usuário.",
        "forbiddenTitle": "Acesso negado", "notFoundTitle": "Página não encontrada",
        "notFound": "Não há nada neste endereço.",
        "linkForged":
            "Este link de confirmação não é válido: foi alterado ou não é deste servidor. Nada foi registrado.",
        "linkExpired":
            "Este link de confirmação venceu em %@. Nada foi registrado; confirme pelo Teams ou peça um novo aviso.",
        "csrf": "O formulário expirou. Abra a página de novo e repita.",
        "oidcFailed": "Não foi possível entrar com a conta da empresa: %@",
        "unavailable": "O followupd não consegue ler os dados agora. Tente de novo em instantes.",
        "signInAgain": "Entrar de novo", "home": "Início",
    ]

    static let english: [String: String] = [
        "boardTitle": "Board", "owner": "Technician", "state": "State", "allStates": "All", "kind": "Kind",
        "allKinds": "All", "filter": "Filter", "subject": "Subject", "next": "Next step",
        "noCases": "No cases here.", "more": "More cases", "urgent": "urgent", "priority": "priority",
        "state.awaiting_partner": "Awaiting the partner", "state.awaiting_us": "Awaiting us",
        "state.returned_to_client": "Returned to the client",
        "kind.third_party": "Partner verification", "kind.cancellation": "Cancellation",
        "kind.handoff": "Hand-off to the partner",
        "next.resend": "resend to the partner", "next.report": "attempts report",
        "next.owner_reminder": "reminder to the technician", "next.client_reminder": "reminder to the client",
        "next.deadline_warning": "deadline warning", "next.close_returned": "close the case",
        "in": "in %@", "ago": "overdue by %@",
        "signInTitle": "Sign in", "login": "User name", "password": "Password", "signIn": "Sign in",
        "signInOIDC": "Sign in with the company account", "account": "My account", "accountTitle": "My account",
        "person": "Person", "role": "Role", "signedInWith": "Signed in with", "sessionEnds": "Session valid until",
        "signOut": "Sign out", "method.local": "local account", "method.oidc": "company account",
        "role.reader": "reader", "role.technician": "technician", "role.leader": "leader", "role.admin": "admin",
        "role.none": "no access",
        "ackTitle": "Acknowledge", "ackButton": "Acknowledge", "case": "Case", "client": "Client",
        "partner": "Partner", "about": "About", "sentAt": "Sent at", "for": "For",
        "ackDone": "Acknowledged by %@ at %@.",
        "refused": "Wrong user name or password.",
        "locked": "Too many wrong passwords: this account is locked until %@. Try later or ask for a new password.",
        "throttled": "Too many attempts from this address. Wait a few minutes and try again.",
        "noRole": "You signed in, but you have no role in followupd. Ask an administrator to add your user.",
        "forbiddenTitle": "Access denied", "notFoundTitle": "Page not found", "notFound": "There is nothing here.",
        "linkForged":
            "This acknowledgement link is not valid: it was altered or is not from this server. Nothing was recorded.",
        "linkExpired":
            "This acknowledgement link expired at %@. Nothing was recorded; acknowledge in Teams or ask for a new notice.",
        "csrf": "The form expired. Open the page again and repeat.",
        "oidcFailed": "Signing in with the company account failed: %@",
        "unavailable": "followupd cannot read its data right now. Try again in a moment.",
        "signInAgain": "Sign in again", "home": "Home",
    ]
}
