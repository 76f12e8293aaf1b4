using System.Collections.Frozen;

namespace Informatiedeling.Policy.Engine;

/// <summary>
/// Decides, deny by default, what a request may receive under the policy set it was compiled from. Compiles the
/// rules once into tables indexed by partner, purpose, role and category; a decision is a handful of bit tests
/// and allocates nothing. No I/O: the same set and request always give the same decision.
/// </summary>
public sealed class PolicyEngine
{
    private readonly Vocabulary _v;
    private readonly ulong _invitationRequired;
    private readonly Explanation _unknown;
    private readonly Explanation _noRole;
    private readonly Explanation _invitationEnded;
    private readonly CompiledPurpose[] _purposes;
    private readonly CompiledStatusFence?[] _statusFences;
    private readonly CompiledCategoryFence?[] _categoryFences;
    private readonly CompiledRoleView[] _roleViews;
    private readonly CompiledAction[] _actions;
    private readonly Explanation _closedCase;

    private PolicyEngine(PolicySet set)
    {
        Set = set;
        _v = set.Vocabulary;
        _invitationRequired = _v.InvitationRequired;
        var defaults = _v.Defaults;
        _unknown = new Explanation("onbekend", defaults.Unknown, DecisionReason.UnknownIdentifier,
            "the convenant does not know it, so nothing is released (deny by default)",
            "het convenant kent dit niet, dus wordt niets vrijgegeven (wat niet is toegestaan, is geweigerd)");
        _noRole = new Explanation("geen-rol", defaults.NoRole, DecisionReason.NoRole,
            "the partner holds no role on this case: nothing is released and the case's existence is not confirmed",
            "uw organisatie heeft geen rol in dit dossier: er wordt niets vrijgegeven en niet bevestigd dat het dossier bestaat");
        _invitationEnded = new Explanation("uitnodiging", defaults.Invitation, DecisionReason.InvitationEnded,
            "a shell partner holds a role only while invited by process direction, and this invitation is absent or has ended",
            "een schilpartner heeft alleen een rol zolang de procesregie hem uitnodigt, en die uitnodiging ontbreekt of is verlopen");

        var rules = set.Rules;
        _purposes = new CompiledPurpose[_v.Purposes.Count];
        foreach (var rule in rules.Purposes)
        {
            var fence = rules.PurposeFences.FirstOrDefault(f => f.Purpose == rule.Purpose);
            _purposes[rule.Purpose] = new CompiledPurpose(rule, fence, _v);
        }

        _statusFences = new CompiledStatusFence?[2];
        foreach (var fence in rules.StatusFences)
        {
            _statusFences[(int)fence.Status] = new CompiledStatusFence(fence, _v);
        }

        _categoryFences = new CompiledCategoryFence?[_v.Categories.Count];
        foreach (var fence in rules.CategoryFences)
        {
            _categoryFences[fence.Category] = new CompiledCategoryFence(fence, _v);
        }

        _roleViews = new CompiledRoleView[Roles.Count];
        foreach (var view in rules.RoleViews)
        {
            _roleViews[(int)view.Role] = new CompiledRoleView(view, _v);
        }

        _actions = new CompiledAction[_v.Actions.Count];
        foreach (var action in rules.Actions)
        {
            _actions[action.Action] = new CompiledAction(action, _v);
        }

        _closedCase = new Explanation("dossier-gesloten", "5.5", DecisionReason.CaseStatusFenced, "a closed case can no longer be changed",
            "een gesloten dossier kan niet meer worden gewijzigd");
        AllCategories = _v.Categories.All;
        SpecialCategories = _v.SpecialCategories;
    }

    /// <summary>The policy set this engine decides by.</summary>
    public PolicySet Set { get; }

    public Vocabulary Vocabulary => _v;

    public ulong AllCategories { get; }

    /// <summary>The categories of special personal data (GDPR art. 9), as the convenant classes them.</summary>
    public ulong SpecialCategories { get; }

    public static PolicyEngine Compile(PolicySet set) => new(set);

    public Decision Decide(in DecisionRequest request)
    {
        if (!_v.Partners.TryGetIndex(request.Partner.Value ?? "", out var partner))
        {
            return Unknown(IdentifierKind.Partner, request.Partner.Value ?? "", request);
        }

        if (!_v.Purposes.TryGetIndex(request.Purpose.Value ?? "", out var purpose))
        {
            return Unknown(IdentifierKind.Purpose, request.Purpose.Value ?? "", request);
        }

        var step = -1;
        if (request.Step is { } stepId)
        {
            if (!_v.Steps.TryGetIndex(stepId.Value ?? "", out step))
            {
                return Unknown(IdentifierKind.Step, stepId.Value ?? "", request);
            }
        }
        else if (request.Status == CaseStatus.Open)
        {
            return Unknown(IdentifierKind.Step, "", request);
        }

        ulong requested;
        if (request.Categories.IsDefault)
        {
            requested = AllCategories;
        }
        else
        {
            requested = 0;
            foreach (var category in request.Categories)
            {
                if (!_v.Categories.TryGetIndex(category.Value ?? "", out var index))
                {
                    return Unknown(IdentifierKind.Category, category.Value ?? "", request);
                }

                requested |= 1UL << index;
            }
        }

        return Decide(partner, request.Role, step, request.Status, purpose, requested, request.At, request.InvitedUntil, request.HasJustification);
    }

    /// <summary>Decides whether a partner, in its role on the case, may perform <paramref name="action"/> (art. 5.6).</summary>
    public ActionDecision DecideAction(PartnerId partner, Role? role, StepId step, CaseStatus status, string action, DateTimeOffset at, DateTimeOffset? invitedUntil)
    {
        if (!_v.Partners.TryGetIndex(partner.Value ?? "", out var p))
        {
            return new ActionDecision(false, _unknown, true, IdentifierKind.Partner, partner.Value);
        }

        if (!_v.Actions.TryGetIndex(action, out var a))
        {
            return new ActionDecision(false, _unknown, role is null, IdentifierKind.Action, action);
        }

        if (!_v.Steps.TryGetIndex(step.Value ?? "", out var s))
        {
            return new ActionDecision(false, _unknown, role is null, IdentifierKind.Step, step.Value);
        }

        var ended = false;
        if (role is not null && (_invitationRequired & (1UL << p)) != 0 && (invitedUntil is null || at > invitedUntil.Value))
        {
            role = null;
            ended = true;
        }

        var compiled = _actions[a];
        var rule = compiled.Rule;
        if (rule.Roles != 0 && role is null)
        {
            return new ActionDecision(false, ended ? _invitationEnded : _noRole, true);
        }

        if (rule.Status is { } only && only != status)
        {
            return new ActionDecision(false, status == CaseStatus.Closed ? _closedCase : compiled.OnlyWhenClosed, role is null);
        }

        if ((rule.Partners & (1UL << p)) == 0)
        {
            return new ActionDecision(false, compiled.NotForPartner, role is null);
        }

        if (rule.Roles != 0 && (rule.Roles & role!.Value.Bit()) == 0)
        {
            return new ActionDecision(false, compiled.NotForRole, false);
        }

        return (rule.Steps & (1UL << s)) == 0
            ? new ActionDecision(false, compiled.NotInStep, role is null)
            : new ActionDecision(true, compiled.Granted, false);
    }

    /// <summary>
    /// Whether a partner has standing on a case at all: any role in the current step, I included, shows the case's
    /// metadata (art. 6.4); a shell partner only while its invitation runs (art. 2.4). Without standing the case
    /// is hidden, exactly as one that does not exist (art. 6.5).
    /// </summary>
    public ActionDecision DecideStanding(PartnerId partner, Role? role, DateTimeOffset at, DateTimeOffset? invitedUntil)
    {
        if (!_v.Partners.TryGetIndex(partner.Value ?? "", out var p))
        {
            return new ActionDecision(false, _unknown, true, IdentifierKind.Partner, partner.Value);
        }

        if (role is null)
        {
            return new ActionDecision(false, _noRole, true);
        }

        if ((_invitationRequired & (1UL << p)) != 0 && (invitedUntil is null || at > invitedUntil.Value))
        {
            return new ActionDecision(false, _invitationEnded, true);
        }

        return _roleViews[(int)role.Value] is { } view
            ? new ActionDecision(true, view.Granted, false)
            : new ActionDecision(false, _noRole, true);
    }

    /// <summary>
    /// Whether a release under <paramref name="purpose"/> needs a written justification, which is then sealed in the
    /// access log: what the purpose's fence says (art. 7.3 for acute-veiligheid), false for a purpose the convenant
    /// does not know.
    /// </summary>
    public bool RequiresJustification(string purpose) =>
        _v.Purposes.TryGetIndex(purpose, out var p) && _purposes[p]?.Fence is { JustificationRequired: true };

    /// <summary>
    /// The one meaning of an identifier the convenant does not know (or the boundary could not even parse): deny
    /// everything, naming it; and without standing the answer must not differ from that for a case that does not
    /// exist, typo or not, so the case is hidden.
    /// </summary>
    public Decision Unknown(IdentifierKind kind, string value, in DecisionRequest request)
    {
        var hidden = !DecideStanding(request.Partner, request.Role, request.At, request.InvitedUntil).Permitted;
        ulong requested = 0;
        if (request.Categories.IsDefault)
        {
            requested = AllCategories;
        }
        else
        {
            foreach (var category in request.Categories)
            {
                if (_v.Categories.TryGetIndex(category.Value ?? "", out var index))
                {
                    requested |= 1UL << index;
                }
            }
        }

        var buffer = default(ExplanationBuffer);
        return new Decision(requested, 0, _unknown, ReleaseScope.Case, false, Obligations.None, hidden, buffer, kind, value);
    }

    private Decision Decide(
        int partner, Role? role, int step, CaseStatus status, int purpose, ulong requested,
        DateTimeOffset at, DateTimeOffset? invitedUntil, bool hasJustification)
    {
        var partnerBit = 1UL << partner;
        var invitationEnded = false;
        if (role is not null && (_invitationRequired & partnerBit) != 0 && (invitedUntil is null || at > invitedUntil.Value))
        {
            role = null;
            invitationEnded = true;
        }

        var compiled = _purposes[purpose];
        var rule = compiled.Rule;
        if (role is null && rule.Scope == ReleaseScope.Case)
        {
            return DenyAll(requested, invitationEnded ? _invitationEnded : _noRole, rule.Scope, caseHidden: true);
        }

        // From here on, a partner without a role (possible only for evaluation and monitoring) learns nothing
        // about the case unless the evaluation record or the aggregate is released to it.
        var hidden = role is null;

        if (_statusFences[(int)status] is { } statusFence && (statusFence.Fence.Purposes & (1UL << purpose)) == 0)
        {
            return DenyAll(requested, statusFence.Denied, rule.Scope, hidden);
        }

        if ((rule.Partners & partnerBit) == 0)
        {
            return DenyAll(requested, compiled.NotForPartner, rule.Scope, hidden);
        }

        if (rule.Status is { } onlyStatus && onlyStatus != status)
        {
            return DenyAll(requested, compiled.NotForStatus, rule.Scope, hidden);
        }

        if (rule.Scope == ReleaseScope.Case && status == CaseStatus.Open && (rule.Steps & (1UL << step)) == 0)
        {
            return DenyAll(requested, compiled.NotInStep, rule.Scope, hidden);
        }

        if (rule.Roles != PurposeRule.AnyRole && (role is null || (rule.Roles & role.Value.Bit()) == 0))
        {
            return DenyAll(requested, compiled.NotForRole, rule.Scope, hidden);
        }

        var fence = compiled.Fence;
        if (fence is not null && fence.JustificationRequired && !hasJustification)
        {
            return DenyAll(requested, compiled.JustificationMissing, rule.Scope, hidden);
        }

        if (rule.Scope != ReleaseScope.Case)
        {
            // Evaluation and monitoring never release a data category of one case; what they release is the
            // anonymous evaluation record or aggregated figures, which the caller builds. Aggregated figures are
            // never about one case (art. 3.8), so asked of one case they confirm nothing to a partner without a
            // role on it; the evaluation record goes to its recipients role or not (art. 3.7).
            var buffer = default(ExplanationBuffer);
            for (var c = 0; c < _v.Categories.Count; c++)
            {
                buffer[c] = compiled.ScopeOnly;
            }

            return new Decision(requested, 0, compiled.Granted, rule.Scope, true, Obligations.None, hidden && rule.Scope == ReleaseScope.Aggregate, buffer);
        }

        var view = _roleViews[(int)role!.Value];
        var roleBit = role.Value.Bit();
        var permitted = 0UL;
        var explanations = default(ExplanationBuffer);
        for (var remaining = requested; remaining != 0; remaining &= remaining - 1)
        {
            var c = System.Numerics.BitOperations.TrailingZeroCount(remaining);
            var bit = 1UL << c;
            Explanation explanation;
            if (_categoryFences[c] is { } categoryFence)
            {
                var f = categoryFence.Fence;
                var open = (f.Partners & partnerBit) != 0 && (f.Roles & roleBit) != 0 && (f.Purposes & (1UL << purpose)) != 0;
                explanation = open ? categoryFence.Opened : categoryFence.Closed;
            }
            else if (fence is not null && (fence.Categories & bit) == 0)
            {
                explanation = compiled.NotReleased;
            }
            else
            {
                explanation = (view.View.Categories & bit) != 0 ? view.Granted : view.Outside;
            }

            explanations[c] = explanation;
            if (explanation.Permits)
            {
                permitted |= bit;
            }
        }

        var obligations = permitted != 0 && fence is not null ? fence.Obligations : Obligations.None;
        return new Decision(requested, permitted, compiled.Granted, rule.Scope, false, obligations, false, explanations);
    }

    private static Decision DenyAll(ulong requested, Explanation why, ReleaseScope scope, bool caseHidden)
    {
        var buffer = default(ExplanationBuffer);
        return new Decision(requested, 0, why, scope, false, Obligations.None, caseHidden, buffer);
    }

    private sealed class CompiledPurpose
    {
        public CompiledPurpose(PurposeRule rule, PurposeFence? fence, Vocabulary v)
        {
            Rule = rule;
            Fence = fence;
            var name = v.Purposes.Names[rule.Purpose];
            var id = rule.Rule.Id;
            var article = rule.Rule.Article;
            Granted = new Explanation(id, article, DecisionReason.Granted, $"purpose '{name}' is allowed to this partner here",
                $"het doel '{name}' is hier toegestaan voor uw organisatie");
            NotForPartner = new Explanation(id, article, DecisionReason.PurposeNotForPartner,
                $"purpose '{name}' is not allowed to this partner; it is for {v.Partners.Describe(rule.Partners)}",
                $"het doel '{name}' is niet voor uw organisatie, alleen voor {Dutch.Partners(v, rule.Partners)}");
            NotInStep = new Explanation(id, article, DecisionReason.PurposeNotInStep,
                $"purpose '{name}' is not allowed in this step; only in {v.Steps.Describe(rule.Steps)}",
                $"het doel '{name}' is in deze processtap niet toegestaan, alleen in {Dutch.Steps(v, rule.Steps)}");
            NotForStatus = new Explanation(id, article, DecisionReason.PurposeNotForCaseStatus,
                $"purpose '{name}' applies to {(rule.Status == CaseStatus.Closed ? "closed" : "open")} cases only",
                $"het doel '{name}' geldt alleen voor {(rule.Status == CaseStatus.Closed ? "gesloten" : "open")} dossiers");
            NotForRole = new Explanation(id, article, DecisionReason.PurposeNotForRole,
                $"purpose '{name}' is allowed only to a partner holding {Roles.Describe(rule.Roles)} in the current step",
                $"het doel '{name}' is alleen toegestaan aan een partner met {Dutch.Roles(rule.Roles)} in de huidige processtap");
            ScopeOnly = rule.Scope == ReleaseScope.Aggregate
                ? new Explanation(id, article, DecisionReason.AggregateOnly,
                    $"purpose '{name}' gives aggregated figures only, never data of one case",
                    $"het doel '{name}' geeft alleen geaggregeerde cijfers, nooit gegevens van één dossier")
                : new Explanation(fence?.Rule.Id ?? id, fence?.Rule.Article ?? article, DecisionReason.EvaluationRecordOnly,
                    $"purpose '{name}' releases no data category, only the anonymous evaluation record",
                    $"het doel '{name}' geeft geen gegevenscategorie vrij, alleen het anonieme evaluatierecord");
            if (fence is not null)
            {
                NotReleased = new Explanation(fence.Rule.Id, fence.Rule.Article, DecisionReason.NotReleasedForPurpose,
                    $"purpose '{name}' releases only {v.Categories.Describe(fence.Categories)}",
                    $"het doel '{name}' geeft alleen {Dutch.List(v.Categories, fence.Categories)} vrij");
                JustificationMissing = new Explanation(fence.Rule.Id, fence.Rule.Article, DecisionReason.JustificationMissing,
                    $"purpose '{name}' requires a written justification",
                    $"het doel '{name}' vraagt een schriftelijke verantwoording");
            }
            else
            {
                NotReleased = JustificationMissing = Granted;
            }
        }

        public PurposeRule Rule { get; }

        public PurposeFence? Fence { get; }

        public Explanation Granted { get; }

        public Explanation NotForPartner { get; }

        public Explanation NotInStep { get; }

        public Explanation NotForStatus { get; }

        public Explanation NotForRole { get; }

        public Explanation ScopeOnly { get; }

        public Explanation NotReleased { get; }

        public Explanation JustificationMissing { get; }
    }

    private sealed class CompiledAction(ActionRule rule, Vocabulary v)
    {
        private readonly string _name = v.Actions.Names[rule.Action];

        public ActionRule Rule { get; } = rule;

        public Explanation Granted => field ??= new(Rule.Rule.Id, Rule.Rule.Article, DecisionReason.Granted, $"'{_name}' is allowed to this partner here",
            $"'{_name}' is hier toegestaan voor uw organisatie");

        public Explanation NotForPartner => field ??= new(Rule.Rule.Id, Rule.Rule.Article, DecisionReason.PurposeNotForPartner,
            $"'{_name}' is only for {v.Partners.Describe(Rule.Partners)}",
            $"'{_name}' is alleen voor {Dutch.Partners(v, Rule.Partners)}");

        public Explanation NotForRole => field ??= new(Rule.Rule.Id, Rule.Rule.Article, DecisionReason.PurposeNotForRole,
            $"'{_name}' is only for a partner holding {Roles.Describe(Rule.Roles)} in the current step",
            $"'{_name}' is alleen voor een partner met {Dutch.Roles(Rule.Roles)} in de huidige processtap");

        public Explanation NotInStep => field ??= new(Rule.Rule.Id, Rule.Rule.Article, DecisionReason.PurposeNotInStep,
            $"'{_name}' is only possible in {v.Steps.Describe(Rule.Steps)}",
            $"'{_name}' kan alleen in {Dutch.Steps(v, Rule.Steps)}");

        public Explanation OnlyWhenClosed => field ??= new(Rule.Rule.Id, Rule.Rule.Article, DecisionReason.CaseStatusFenced,
            $"'{_name}' is only possible on a closed case",
            $"'{_name}' kan alleen bij een gesloten dossier");
    }

    private sealed class CompiledStatusFence(StatusFence fence, Vocabulary v)
    {
        public StatusFence Fence { get; } = fence;

        public Explanation Denied { get; } = new(fence.Rule.Id, fence.Rule.Article, DecisionReason.CaseStatusFenced,
            $"a {(fence.Status == CaseStatus.Closed ? "closed" : "open")} case releases nothing except under {v.Purposes.Describe(fence.Purposes)}",
            $"een {(fence.Status == CaseStatus.Closed ? "gesloten" : "open")} dossier geeft niets vrij, behalve onder {Dutch.List(v.Purposes, fence.Purposes)}");
    }

    private sealed class CompiledCategoryFence(CategoryFence fence, Vocabulary v)
    {
        public CategoryFence Fence { get; } = fence;

        public Explanation Opened { get; } = new(fence.Rule.Id, fence.Rule.Article, DecisionReason.Granted,
            $"'{v.Categories.Names[fence.Category]}' is released to this partner in this role under this purpose",
            $"'{v.Categories.Names[fence.Category]}' wordt aan uw organisatie in deze rol onder dit doel vrijgegeven");

        public Explanation Closed { get; } = new(fence.Rule.Id, fence.Rule.Article, DecisionReason.Fenced,
            $"'{v.Categories.Names[fence.Category]}' is fenced: only for {v.Partners.Describe(fence.Partners)} " +
            $"holding {Roles.Describe(fence.Roles)} under {v.Purposes.Describe(fence.Purposes)}",
            $"'{v.Categories.Names[fence.Category]}' is afgeschermd: alleen voor {Dutch.Partners(v, fence.Partners)} " +
            $"met {Dutch.Roles(fence.Roles)} onder {Dutch.List(v.Purposes, fence.Purposes)}");
    }

    private sealed class CompiledRoleView(RoleView view, Vocabulary v)
    {
        public RoleView View { get; } = view;

        public Explanation Granted { get; } = new(view.Rule.Id, view.Rule.Article, DecisionReason.Granted,
            $"role {view.Role.Name()} sees {v.Categories.Describe(view.Categories)}",
            $"de rol {Dutch.Role(view.Role)} ziet {Dutch.List(v.Categories, view.Categories)}");

        public Explanation Outside { get; } = new(view.Rule.Id, view.Rule.Article, DecisionReason.OutsideRoleView,
            view.Categories == 0
                ? $"role {view.Role.Name()} sees no data category, only case metadata"
                : $"role {view.Role.Name()} sees only {v.Categories.Describe(view.Categories)}",
            view.Categories == 0
                ? $"de rol {Dutch.Role(view.Role)} ziet geen gegevenscategorie, alleen de kenmerken van het dossier"
                : $"de rol {Dutch.Role(view.Role)} ziet alleen {Dutch.List(v.Categories, view.Categories)}");
    }
}
