{ libloyalty for Delphi and Free Pascal: a thin idiomatic layer over loyalty_capi (generated).
  Strings go in as PAnsiChar(UTF8String(S)) and come back through FromUtf8; every failure raises
  ELoyaltyError carrying the C status code. Compiles with Delphi and with fpc -Mdelphi. }
unit loyalty;

{$IFDEF FPC}{$MODE DELPHI}{$H+}{$ENDIF}

interface

uses
  SysUtils, loyalty_capi;

type
  ELoyaltyError = class(Exception)
  public
    Status: Int32;
    StatusName: string;
    Detail: string;
    constructor CreateStatus(AStatus: Int32; const ADetail: string);
    function Transient: Boolean;
    { LOY_FAMILY_*: what to do about it. }
    function Family: Int32;
  end;
  ELoyaltyErrorClass = class of ELoyaltyError;

  { What Check raises: the subclass of the status's family (loy_status_family). }
  ELoyInvalidInput = class(ELoyaltyError);  { fix the call }
  ELoyNotFound = class(ELoyaltyError);
  ELoyConflict = class(ELoyaltyError);      { the data's state refuses }
  ELoyDeclined = class(ELoyaltyError);      { the programme refuses: tell the customer }
  ELoyTransient = class(ELoyaltyError);     { nothing written: retry with the same key }
  ELoyFailure = class(ELoyaltyError);       { the file or the library }

  TLoyError = Tloy_error;

{ The exception class of a status's family, e.g. ELoyNotFound for LOY_ERR_NOT_FOUND. }
function LoyErrorClass(Status: Int32): ELoyaltyErrorClass;

{ A fresh loy_error for one call. }
function NewError: TLoyError;
{ Raises ELoyaltyError when AStatus is not LOY_OK. }
procedure Check(AStatus: Int32; const AErr: TLoyError);
{ UTF-8 text owned by the library (or a buffer) as a native string. }
function FromUtf8(P: PAnsiChar): string;
{ A native string as UTF-8 for the library: keep the result alive for the call. }
function ToUtf8(const S: string): UTF8String;
{ A NULL-or-text argument: nil for an empty string. }
function OptUtf8(const S: UTF8String): PAnsiChar;

{ Opens (creating when missing) a database file; the caller closes it with loy_close. }
function OpenDatabase(const Path, DefaultCurrency: string): Pointer;
{ snprintf-style money formatting. }
function FormatMoney(Db: Pointer; MinorUnits: Int64; const Currency: string): string;
{ Raises when Number (loy_version_number) is of another major version than the header these
  declarations were generated from; the unit checks the loaded library when it initialises. }
procedure CheckVersion(Number: Int32);

type
  TLoyStrings = array of string;
  TLoyInt64s = array of Int64;

  { The second call of a text-out function (snprintf semantics): call once with nil, 0 and
    @Needed, then with Grow, Capacity and @Needed; Text is the result. }
  TLoyTextBuffer = record
    Needed: size_t;
    Buf: array of AnsiChar;
    function Grow: PAnsiChar;
    function Capacity: size_t;
    function Text: string;
  end;

  { A table row (report, segment, draw...): each cell as text; whole numbers also as Int64. }
  TLoyRow = record
    Columns, Cells: TLoyStrings;
    Numbers: TLoyInt64s;
    IsNumber: array of Boolean;
    { The cell of a column ('' when the table has no such column). }
    function Text(const Column: string): string;
    { The cell as a whole number; raises ELoyaltyError for text or a missing column. }
    function Int(const Column: string): Int64;
  end;
  TLoyRows = array of TLoyRow;

  { A member, copied out of the library's handle (amounts in minor units, points whole). }
  TLoyMember = record
    Id: Int64;
    Uid, Phone, Card, Name, Email, Tags, Language, Gender, Branch, Tier, ReferralCode: string;
    Status, BirthYear, BirthMonth, BirthDay: Int32;
    ConsentSms, ConsentEmail, ConsentPush: Boolean;
    Balance, Available, Pending, LifetimeEarned, WalletBalance, ReferrerId, MergedInto,
      CreatedAt: Int64;
  end;
  TLoyMembers = array of TLoyMember;

  { Member fields for Enrol and UpdateMember: '' leaves a text field absent (or as it is);
    LOY_UNCHANGED the numbers and consents. Start from TLoyMemberFields.Empty. }
  TLoyMemberFields = record
    Phone, Card, Name, Email, Gender, Tags, Language, Branch, Referrer: string;
    BirthYear, BirthMonth, BirthDay, ConsentSms, ConsentEmail, ConsentPush: Int32;
    class function Empty: TLoyMemberFields; static;
  end;

  { Which members SearchMembers returns; '' = any. Limit 1..1000 (0 = 100); AfterId pages. }
  TLoyMemberQuery = record
    NamePrefix, PhonePrefix, Tag: string;
    IncludeInactive: Boolean;
    Limit: Int32;
    AfterId: Int64;
  end;

  TLoyRuleLine = record
    Rule, Explanation: string;
    Points: Int64;
  end;
  TLoyRuleLines = array of TLoyRuleLine;

  { A coupon presented in a basket: Status LOY_OK when it applies, else Message says why. }
  TLoyCouponResult = record
    Code, Campaign, Message: string;
    Status: Int32;
    Amount, Points: Int64;
  end;

  { What the sale would do, before it is committed. }
  TLoyQuote = record
    MemberId, ProgramVersion, Total, PointsEarned, Balance, Available, RedeemablePoints,
      RedeemableValue, RedeemPoints, RedeemValue, AmountDue, BenefitDiscount, CouponDiscount,
      Cashback, WalletBalance, WalletAvailable, WalletAmount, GiftCardAmount: Int64;
    RedeemStatus, WalletStatus: Int32;
    FreeDelivery: Boolean;
    Tier, TierAfter, Progress: string;
    Rules: TLoyRuleLines;
    Coupons: array of TLoyCouponResult;
    { Points per basket line, in line order. }
    LinePoints: TLoyInt64s;
  end;

  { A sale's, refund's or void's receipt. MoneyBack: what the cashier hands back (refunds). }
  TLoyReceipt = record
    Kind, RedeemMode: Int32;
    Replayed: Boolean;
    SaleId, MemberId, ProgramVersion, CreatedAt: Int64;
    Uid, TierBefore, TierAfter: string;
    Total, PointsEarned, PointsRedeemed, RedeemValue, AmountDue, RefundAmount, MoneyBack,
      BalanceAfter, AvailableAfter, WalletAmount, Cashback, BenefitDiscount,
      CouponDiscount, GiftCardAmount: Int64;
    { Codes this sale issued (print them); coupons applied with their money off. }
    IssuedCodes, CouponCodes: TLoyStrings;
    CouponAmounts: TLoyInt64s;
    Rules: TLoyRuleLines;
  end;

  { OperatorId: the sale's cashier or the adjustment's operator; Approver: who approved it. }
  TLoyHistoryEntry = record
    Uid, Reason, Branch, Terminal, Corrects, OperatorId, Approver: string;
    Kind: Int32;
    Points, SaleId, CreatedAt, ExpiresAt: Int64;
  end;
  TLoyHistory = array of TLoyHistoryEntry;

  TLoyTierEvent = record
    Uid, FromTier, ToTier, Reason: string;
    Score, SaleId, At: Int64;
  end;

  TLoyTierStatus = record
    Tier, TierName, NextTier, NextTierName, Progress, FloorTier, Multiplier, Discount,
      Plan, AssignedTier: string;
    Since, Score, NextThreshold, Missing, AtRiskSince, PlanEndsAt, AssignedUntil: Int64;
    FreeDelivery: Boolean;
    Benefits: TLoyStrings;
    Events: array of TLoyTierEvent;
  end;

  { One coupon code: its campaign, owner, uses and state. }
  TLoyCoupon = record
    Code, Uid, Campaign: string;
    MemberId, BatchId, MaxUses, UseCount, ValidUntil, IssuedSaleId: Int64;
    Revoked: Boolean;
  end;

  { One record of an origin's journal: the facts (a JSON array) one committed write made. }
  TLoyJournalRecord = record
    Origin, Kind, Key, Body, Prev, Hash: string;
    Seq, CreatedAt: Int64;
  end;
  TLoyJournal = array of TLoyJournalRecord;

  { A member's profile as another till holds it, to be applied with the records that bring the
    member (ApplyJournal). }
  TLoyProfile = record
    Uid: string;
    Fields: TLoyMemberFields;
  end;
  TLoyProfiles = array of TLoyProfile;

  { The wallet in minor units. }
  TLoyWallet = record
    Balance, Available, Pending: Int64;
  end;

  { A basket being rung up; free it when the sale is done (try ... finally Basket.Free). }
  TLoyBasket = class
  private
    FHandle: Pointer;
    FLines: Int32;
  public
    constructor Create;
    destructor Destroy; override;
    procedure SetMember(MemberId: Int64);
    procedure SetContext(const Receipt, Branch, Terminal, Cashier: string);
    { Quantity in thousandths (1 item = 1000), prices in minor units; returns the line number. }
    function AddLine(const Sku, Category: string; QuantityMilli, UnitPrice: Int64;
      LineDiscount: Int64 = 0): Int32;
    procedure RedeemPoints(Points: Int64);
    procedure AddCoupon(const Code: string);
    procedure SetCurrency(const Currency: string);
    { Tax, service charge and tip: paid, never earning points. }
    procedure SetCharges(Tax, Service, Tip: Int64);
    { A tender of the sale ("cash", "card"...). }
    procedure AddTender(const Kind: string; Amount: Int64);
    { Pays part of the sale from the member's wallet. }
    procedure PayWallet(Amount: Int64);
    { Pays part of the sale with a gift card, redeemed with the sale. }
    procedure PayGiftCard(const Code: string; Amount: Int64);
    { In chain mode: the authority's hold covering the points this sale spends. }
    procedure SetHold(const HoldId: string; Points: Int64);
    { In chain mode: the authority's hold covering the wallet money this sale pays. }
    procedure SetWalletHold(const HoldId: string; Amount: Int64);
    { In chain mode: the authority's hold covering the basket's gift cards. }
    procedure SetGiftcardHold(const HoldId: string);
    { In chain mode: the authority's hold covering the coupon uses a limit counts chain-wide. }
    procedure SetCouponHold(const HoldId: string);
    { A paid plan sold as a line; returns its line number. }
    function AddPlan(const PlanId: string; Periods: Int32 = 1): Int32;
    { A wallet top-up sold as a line: the member's wallet gets Amount when the sale commits. }
    function AddWalletTopup(Amount: Int64): Int32;
    property Handle: Pointer read FHandle;
    { The basket lines added so far (a plan is a line too). }
    property Lines: Int32 read FLines;
  end;

  { An open database, for VCL, FireMonkey and console programs alike. Every failure raises
    ELoyaltyError with the C status; every write that a till may retry takes a key. }
  { A member event of the C ABI taking an idempotency key (deactivate, reactivate, erase). }
  TLoyMemberEvent = function(p_db: Pointer; p_member_id: Int64; p_idempotency_key: PAnsiChar;
    p_err: Ploy_error): Int32; cdecl;

  TLoyDatabase = class
  private
    FHandle: Pointer;
    procedure MemberEvent(Event: TLoyMemberEvent; MemberId: Int64; const Key: string);
  public
    { Checkpoint: who copies the write-ahead log into the file (LOY_CHECKPOINT_BACKGROUND,
      _INLINE or _MANUAL). }
    constructor Open(const Path, DefaultCurrency: string; ReadOnly: Boolean = False;
      CheckpointMode: Int32 = LOY_CHECKPOINT_BACKGROUND);
    destructor Destroy; override;
    procedure SetClock(NowMs: Int64);
    { Copies what it can of the write-ahead log into the file now (LOY_CHECKPOINT_MANUAL: when
      the till is idle): the frames in the log, and of those in the file now. }
    procedure Checkpoint(out WalFrames, CopiedFrames: Int32);
    function LoadProgrammeFile(const Path: string): Int64;
    { Key may be '' (enrolment is the one write whose key is optional). }
    function Enrol(const Phone, Name: string; const Key: string = ''): TLoyMember;
    function Member(MemberId: Int64): TLoyMember;
    { A phone in any form (Persian digits too) or a card code. }
    function Identify(const PhoneOrCard: string): TLoyMember;
    function Commit(Basket: TLoyBasket; const Key: string): TLoyReceipt;
    { Refunds what is left of a sale. }
    function RefundAll(SaleId: Int64; const Key: string): TLoyReceipt;
    { Everything held about a member, as JSON (an access request). }
    function ExportMember(MemberId: Int64): string;
    { One code of a campaign, to a member (or to anyone: 0), in display form. }
    function IssueCoupon(const CampaignId: string; MemberId: Int64; const Key: string): string;
    function FormatMoney(MinorUnits: Int64; const Currency: string): string;
    { The number of problems loy_verify finds (0: consistent). }
    function Verify: Int64;
    { Member events; with a Key, a retry returns the first call's outcome. }
    procedure Deactivate(MemberId: Int64; const Key: string = '');
    procedure Reactivate(MemberId: Int64; const Key: string = '');
    procedure Erase(MemberId: Int64; const Key: string = '');
    { Chain-wide ids (docs/journal.md): the origin this handle writes as, a member by its id, and
      a sale's, refund's or void's receipt again by its id (to reprint it). }
    function OriginName: string;
    function MemberByUid(const Uid: string): TLoyMember;
    function ReceiptByUid(const Uid: string): TLoyReceipt;
    { The number of journal records of this handle's origin after AfterSeq (at most 10000). }
    function JournalCount(AfterSeq: Int64 = 0): Int64;
    { Applies to this file the records Source holds of Origin ('' = Source's own), each exactly
      once; returns the number applied (the rest were held already). A fork raises
      LOY_ERR_SYNC_FORK, records out of order LOY_ERR_SYNC_GAP; a refusal changes nothing. }
    function ApplyJournalFrom(Source: TLoyDatabase; const Origin: string = ''): Int64;
    { The records of Origin ('' = this handle's) after AfterSeq, in order, to send elsewhere. }
    function Journal(const Origin: string = ''; AfterSeq: Int64 = 0;
      Limit: Int32 = 1000): TLoyJournal;
    { The last record this file holds of each origin: where a sync resumes. }
    function JournalHeads: TLoyJournal;
    { Applies records brought from elsewhere in one transaction; returns those applied,
      Duplicates those held already. }
    function ApplyJournal(const Records: TLoyJournal; out Duplicates: Int64): Int64; overload;
    { The same, with the profiles of the members the records bring, written after the records in
      the same transaction: a member lands with their phone or not at all. A profile the file
      cannot take (no such member, erased, or its phone another member's here) is passed over. }
    function ApplyJournal(const Records: TLoyJournal; const Profiles: TLoyProfiles;
      out Duplicates: Int64): Int64; overload;
    { A member's profile as another till holds it, written without a journal record. }
    function ApplyProfile(const Uid: string; const Fields: TLoyMemberFields): TLoyMember;

    { Set-up. }
    function LoadProgramme(const Json: string): Int64;
    { On the head office's file: a programme for the whole chain, in effect from StartsAtMs
      (0 = now). Its version here. }
    function PublishProgramme(const Json: string; StartsAtMs: Int64): Int64;
    { The programme released to start next (0 when none), and its start. }
    function NextProgramme(out StartsAt: Int64): Int64;
    { A programme version's canonical JSON (0 = the active one). }
    function ExportProgramme(Version: Int64 = 0): string;
    { The active programme's version (0 = none loaded). }
    function ProgrammeVersion: Int64;
    { The handle's clock, ms since 1970 UTC. }
    function Now: Int64;
    { Declares a currency and its decimal places (IRR 0, USD 2, KWD 3). }
    procedure SetCurrency(const Code: string; Exponent: Int32);
    function CurrencyExponent(const Code: string): Int32;
    { A phone in its stored form (+98912...). }
    function NormalizePhone(const Phone: string): string;

    { Members. }
    function EnrolFields(const Fields: TLoyMemberFields; const Key: string = ''): TLoyMember;
    function UpdateMember(MemberId: Int64; const Fields: TLoyMemberFields;
      const Key: string = ''): TLoyMember;
    function FindByPhone(const Phone: string): TLoyMember;
    function FindByCard(const Card: string): TLoyMember;
    { One page of members by id. }
    function SearchMembers(const Query: TLoyMemberQuery): TLoyMembers;
    function Merge(SurvivorId, AbsorbedId: Int64; const Key: string = ''): TLoyMember;
    { The member's ledger, newest first. }
    function History(MemberId: Int64; Limit: Int32 = 50; Offset: Int32 = 0): TLoyHistory;
    { Awards an action's points ("review", "app_login"...) within its cap. }
    function RecordEvent(MemberId: Int64; const Action, Key: string): Int64;
    function TierStatus(MemberId: Int64): TLoyTierStatus;
    { Ends a paid plan at the end of its paid period. }
    { Households: one points account, the head's (docs/members.md). }
    function CreateHousehold(HeadMemberId: Int64; const Key: string): Int64;
    procedure JoinHousehold(HouseholdId, MemberId: Int64; const Key: string);
    procedure LeaveHousehold(MemberId: Int64; const Key: string);
    { The member's household id (0 = none) and its head. }
    function HouseholdOf(MemberId: Int64; out HeadId: Int64): Int64;
    { The member's stamps on one of the programme's stamp cards. }
    function Stamps(MemberId: Int64; const Card: string): Int64;
    { Staff assign a level as a floor until UntilMs (0 = until withdrawn); Tier '' withdraws it. }
    procedure AssignTier(MemberId: Int64; const Tier, Reason, OperatorId, Key: string;
      UntilMs: Int64 = 0);
    procedure CancelPlan(MemberId: Int64; const Key: string);

    { Checkout. }
    function Quote(Basket: TLoyBasket): TLoyQuote;
    { What the basket's coupons use that a limit counts over the whole chain, as the JSON the
      chain's authority holds it by. }
    function CouponClaims(Basket: TLoyBasket): string;
    { The basket's gift card payments as the JSON the chain's authority holds them by. }
    function GiftcardClaims(Basket: TLoyBasket): string;
    { Refunds the given lines (line numbers, quantities in thousandths). }
    function Refund(SaleId: Int64; const LineNos: array of Int32; const Quantities: array of Int64;
      const Key: string): TLoyReceipt;
    { Voids a whole sale (a mistake at the till). }
    function VoidSale(SaleId: Int64; const Key: string): TLoyReceipt;
    { The sale a commit with this key made (after a timeout: did it land?). }
    function SaleByKey(const Key: string): Int64;
    function SaleByUid(const Uid: string): Int64;
    { The latest sale with this receipt number (at this branch, when not ''). }
    function SaleByReceipt(const Receipt: string; const Branch: string = ''): Int64;
    { Claims a past receipt: attaches a member to a sale made without one, within the
      programme's "claims" window, exactly once. }
    function ClaimSale(SaleId, MemberId: Int64; const Cashier, Key: string): TLoyReceipt;

    { Wallet and coupons. }
    function Wallet(MemberId: Int64): TLoyWallet;
    function CreditWallet(MemberId, Amount: Int64; const Reason, OperatorId, Key: string): Int64;
    function Coupon(const Code: string): TLoyCoupon;
    function CouponByUid(const Uid: string): TLoyCoupon;
    procedure RevokeCoupon(const Code, Key: string);
    { The check symbol catches a mistyped code before any lookup. }
    class function CouponCodeIsValid(const Code: string): Boolean;

    { Gift cards: sold with a first amount (returns the code; the same key, the same card),
      loaded, redeemed in part (ELoyDeclined beyond the balance), credited back; each change
      returns the balance after. }
    function SellGiftCard(Amount: Int64; const Key: string; const Reference: string = '';
      const OperatorId: string = ''): string;
    function LoadGiftCard(const Code: string; Amount: Int64; const Key: string;
      const Reference: string = ''; const OperatorId: string = ''): Int64;
    function RedeemGiftCard(const Code: string; Amount: Int64; const Key: string;
      const Reference: string = ''; const OperatorId: string = ''): Int64;
    function RefundGiftCard(const Code: string; Amount: Int64; const Key: string;
      const Reference: string = ''; const OperatorId: string = ''): Int64;
    function GiftCardBalance(const Code: string): Int64;

    { Points outside a sale, and the file's upkeep. }
    { Approver: the second operator the programme's adjustments.approval_above asks for (else
      ELoyDeclined, LOY_ERR_NEEDS_APPROVAL). }
    function AdjustPoints(MemberId, Points: Int64; const Reason, OperatorId, Key: string;
      const Approver: string = ''): Int64;
    { Two-phase holds: reserve points for TtlMs (a tab, a web order; returns the hold's id);
      capture 0..the held points (the rest is released; returns the balance after) or release. }
    function HoldPoints(MemberId, Points, TtlMs: Int64; const Key: string;
      const Reference: string = ''): Int64;
    function CaptureHold(HoldId, Points: Int64; const Key: string): Int64;
    procedure ReleaseHold(HoldId: Int64; const Key: string);
    { The same for wallet money (minor units); capture returns the wallet's balance after. }
    function HoldWallet(MemberId, Amount, TtlMs: Int64; const Key: string;
      const Reference: string = ''): Int64;
    function CaptureWalletHold(HoldId, Amount: Int64; const Key: string): Int64;
    procedure ReleaseWalletHold(HoldId: Int64; const Key: string);
    { Gives points to another member (they keep their expiry dates), when the programme allows
      transfers; returns the giver's balance. }
    function TransferPoints(FromMember, ToMember, Points: Int64; const Key: string;
      const Reason: string = ''; const OperatorId: string = ''): Int64;
    { The expiry sweep at NowMs (0 = the handle's clock): the points expired; Lots the lots. }
    function ExpirePoints(out Lots: Int64; NowMs: Int64 = 0): Int64;
    { Points expiring before BeforeMs unless spent; NextExpiry the next date (0 = none). }
    function PointsExpiring(MemberId, BeforeMs: Int64; out NextExpiry: Int64): Int64;
    { What loy_verify found, a problem a line ('' when consistent). }
    function VerifyReport: string;
    { Recomputes every projection from the facts; returns the rows corrected. }
    function Rebuild: Int64;
    property Handle: Pointer read FHandle;
  end;

{ Reads a table handle into rows and frees it. }
function ReadTable(H: Pointer): TLoyRows;

implementation

procedure CheckVersion(Number: Int32);
begin
  if Number div 10000 <> LOY_VERSION_MAJOR then
    raise Exception.CreateFmt('libloyalty %d.%d.%d was loaded, but this binding is for %d.x; ' +
      'install a matching library or binding',
      [Number div 10000, Number div 100 mod 100, Number mod 100, LOY_VERSION_MAJOR]);
end;

constructor ELoyaltyError.CreateStatus(AStatus: Int32; const ADetail: string);
begin
  Status := AStatus;
  StatusName := FromUtf8(loy_status_name(AStatus));
  Detail := ADetail;
  inherited Create(StatusName + ': ' + ADetail);
end;

function ELoyaltyError.Transient: Boolean;
begin
  Result := loy_status_is_transient(Status) = 1;
end;

function ELoyaltyError.Family: Int32;
begin
  Result := loy_status_family(Status);
end;

function LoyErrorClass(Status: Int32): ELoyaltyErrorClass;
begin
  case loy_status_family(Status) of
    LOY_FAMILY_INVALID_INPUT: Result := ELoyInvalidInput;
    LOY_FAMILY_NOT_FOUND: Result := ELoyNotFound;
    LOY_FAMILY_CONFLICT: Result := ELoyConflict;
    LOY_FAMILY_DECLINED: Result := ELoyDeclined;
    LOY_FAMILY_TRANSIENT: Result := ELoyTransient;
  else
    Result := ELoyFailure;
  end;
end;

function NewError: TLoyError;
begin
  FillChar(Result, SizeOf(Result), 0);
  loy_error_init(@Result);
end;

procedure Check(AStatus: Int32; const AErr: TLoyError);
begin
  if AStatus <> LOY_OK then
    raise LoyErrorClass(AStatus).CreateStatus(AStatus, FromUtf8(@AErr.message[0]));
end;

function FromUtf8(P: PAnsiChar): string;
var
  U: UTF8String;
begin
  if P = nil then
    Exit('');
  U := UTF8String(P);
  Result := string(U);
end;

function ToUtf8(const S: string): UTF8String;
begin
  Result := UTF8String(S);
end;

function OptUtf8(const S: UTF8String): PAnsiChar;
begin
  if S = '' then
    Result := nil
  else
    Result := PAnsiChar(S);
end;

function OpenDatabase(const Path, DefaultCurrency: string): Pointer;
var
  Opts: Tloy_open_options;
  Err: TLoyError;
  P, C: UTF8String;
begin
  loy_open_options_init(@Opts);
  P := ToUtf8(Path);
  C := ToUtf8(DefaultCurrency);
  Opts.path := PAnsiChar(P);
  Opts.default_currency := OptUtf8(C);
  Err := NewError;
  Result := nil;
  Check(loy_open(@Opts, @Result, @Err), Err);
end;

function FormatMoney(Db: Pointer; MinorUnits: Int64; const Currency: string): string;
var
  Err: TLoyError;
  Needed: size_t;
  Buf: array of AnsiChar;
  C: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(Currency);
  Needed := 0;
  Check(loy_money_format(Db, MinorUnits, PAnsiChar(C), 1, nil, 0, @Needed, @Err), Err);
  SetLength(Buf, Needed + 1);
  Check(loy_money_format(Db, MinorUnits, PAnsiChar(C), 1, @Buf[0], Length(Buf), @Needed, @Err), Err);
  Result := FromUtf8(@Buf[0]);
end;

{ Copies a member the caller keeps (a list's, borrowed). }
function CopyMember(H: Pointer): TLoyMember;
begin
  Result := Default(TLoyMember);
  Result.Id := loy_member_id(H);
  Result.Uid := FromUtf8(loy_member_uid(H));
  Result.Phone := FromUtf8(loy_member_phone(H));
  Result.Card := FromUtf8(loy_member_card(H));
  Result.Name := FromUtf8(loy_member_name(H));
  Result.Email := FromUtf8(loy_member_email(H));
  Result.Tags := FromUtf8(loy_member_tags(H));
  Result.Language := FromUtf8(loy_member_language(H));
  Result.Gender := FromUtf8(loy_member_gender(H));
  Result.Branch := FromUtf8(loy_member_branch(H));
  Result.Tier := FromUtf8(loy_member_tier(H));
  Result.ReferralCode := FromUtf8(loy_member_referral_code(H));
  Result.Status := loy_member_status(H);
  Result.BirthYear := loy_member_birth_year(H);
  Result.BirthMonth := loy_member_birth_month(H);
  Result.BirthDay := loy_member_birth_day(H);
  Result.ConsentSms := loy_member_consent_sms(H) = 1;
  Result.ConsentEmail := loy_member_consent_email(H) = 1;
  Result.ConsentPush := loy_member_consent_push(H) = 1;
  Result.Balance := loy_member_balance(H);
  Result.Available := loy_member_available(H);
  Result.Pending := loy_member_pending(H);
  Result.LifetimeEarned := loy_member_lifetime_earned(H);
  Result.WalletBalance := loy_member_wallet_balance(H);
  Result.ReferrerId := loy_member_referrer_id(H);
  Result.MergedInto := loy_member_merged_into(H);
  Result.CreatedAt := loy_member_created_at(H);
end;

{ Copies an owned member handle and frees it. }
function ReadMember(H: Pointer): TLoyMember;
begin
  try
    Result := CopyMember(H);
  finally
    loy_member_free(H);
  end;
end;

function TLoyTextBuffer.Grow: PAnsiChar;
begin
  SetLength(Buf, Needed + 1);
  Result := @Buf[0];
end;

function TLoyTextBuffer.Capacity: size_t;
begin
  Result := Needed + 1;  { what Grow allocates, whichever argument is evaluated first }
end;

function TLoyTextBuffer.Text: string;
begin
  if Length(Buf) = 0 then
    Result := ''
  else
    Result := FromUtf8(@Buf[0]);
end;

function TLoyRow.Text(const Column: string): string;
var
  I: Integer;
begin
  Result := '';
  for I := 0 to High(Columns) do
    if Columns[I] = Column then
      Exit(Cells[I]);
end;

function TLoyRow.Int(const Column: string): Int64;
var
  I: Integer;
begin
  for I := 0 to High(Columns) do
    if (Columns[I] = Column) and IsNumber[I] then
      Exit(Numbers[I]);
  raise ELoyInvalidInput.CreateStatus(LOY_ERR_INVALID_ARGUMENT,
    'no whole number in column ' + Column);
end;

function ReadTable(H: Pointer): TLoyRows;
var
  R, C, Cols: Integer;
begin
  try
    Cols := loy_table_column_count(H);
    Result := nil;
    SetLength(Result, loy_table_row_count(H));
    for R := 0 to High(Result) do
    begin
      SetLength(Result[R].Columns, Cols);
      SetLength(Result[R].Cells, Cols);
      SetLength(Result[R].Numbers, Cols);
      SetLength(Result[R].IsNumber, Cols);
      for C := 0 to Cols - 1 do
      begin
        Result[R].Columns[C] := FromUtf8(loy_table_column_name(H, C));
        Result[R].Cells[C] := FromUtf8(loy_table_text(H, R, C));
        Result[R].Numbers[C] := loy_table_int(H, R, C);
        Result[R].IsNumber[C] := (loy_table_is_number(H, R, C) = 1) and
          (IntToStr(Result[R].Numbers[C]) = Result[R].Cells[C]);
      end;
    end;
  finally
    loy_table_free(H);
  end;
end;

class function TLoyMemberFields.Empty: TLoyMemberFields;
begin
  Result := Default(TLoyMemberFields);
  Result.BirthYear := LOY_UNCHANGED;
  Result.BirthMonth := LOY_UNCHANGED;
  Result.BirthDay := LOY_UNCHANGED;
  Result.ConsentSms := LOY_UNCHANGED;
  Result.ConsentEmail := LOY_UNCHANGED;
  Result.ConsentPush := LOY_UNCHANGED;
end;

type
  { loy_member_fields with the UTF-8 copies its pointers point into. }
  TMemberFieldsC = record
    F: Tloy_member_fields;
    S: array[0..8] of UTF8String;
  end;

procedure FieldsToC(const Src: TLoyMemberFields; var Dst: TMemberFieldsC);

  function Put(I: Integer; const V: string): PAnsiChar;
  begin
    Dst.S[I] := ToUtf8(V);
    Result := OptUtf8(Dst.S[I]);
  end;

begin
  loy_member_fields_init(@Dst.F);
  Dst.F.phone := Put(0, Src.Phone);
  Dst.F.card := Put(1, Src.Card);
  Dst.F.name := Put(2, Src.Name);
  Dst.F.email := Put(3, Src.Email);
  Dst.F.gender := Put(4, Src.Gender);
  Dst.F.tags := Put(5, Src.Tags);
  Dst.F.language := Put(6, Src.Language);
  Dst.F.branch := Put(7, Src.Branch);
  Dst.F.referrer := Put(8, Src.Referrer);
  Dst.F.birth_year := Src.BirthYear;
  Dst.F.birth_month := Src.BirthMonth;
  Dst.F.birth_day := Src.BirthDay;
  Dst.F.consent_sms := Src.ConsentSms;
  Dst.F.consent_email := Src.ConsentEmail;
  Dst.F.consent_push := Src.ConsentPush;
end;

function ReadReceipt(H: Pointer): TLoyReceipt;
var
  I: Integer;
begin
  try
    Result := Default(TLoyReceipt);
    Result.Kind := loy_receipt_kind(H);
    Result.Replayed := loy_receipt_replayed(H) = 1;
    Result.SaleId := loy_receipt_sale_id(H);
    Result.Uid := FromUtf8(loy_receipt_uid(H));
    Result.Total := loy_receipt_total(H);
    Result.PointsEarned := loy_receipt_points_earned(H);
    Result.PointsRedeemed := loy_receipt_points_redeemed(H);
    Result.RedeemValue := loy_receipt_redeem_value(H);
    Result.AmountDue := loy_receipt_amount_due(H);
    Result.RefundAmount := loy_receipt_refund_amount(H);
    Result.MoneyBack := loy_receipt_money_back(H);
    Result.BalanceAfter := loy_receipt_balance_after(H);
    Result.AvailableAfter := loy_receipt_available_after(H);
    Result.MemberId := loy_receipt_member_id(H);
    Result.ProgramVersion := loy_receipt_program_version(H);
    Result.CreatedAt := loy_receipt_created_at(H);
    Result.RedeemMode := loy_receipt_redeem_mode(H);
    Result.TierBefore := FromUtf8(loy_receipt_tier_before(H));
    Result.TierAfter := FromUtf8(loy_receipt_tier_after(H));
    Result.WalletAmount := loy_receipt_wallet_amount(H);
    Result.Cashback := loy_receipt_cashback(H);
    Result.BenefitDiscount := loy_receipt_benefit_discount(H);
    Result.CouponDiscount := loy_receipt_coupon_discount(H);
    Result.GiftCardAmount := loy_receipt_gift_card_amount(H);
    SetLength(Result.IssuedCodes, loy_receipt_issued_count(H));
    for I := 0 to High(Result.IssuedCodes) do
      Result.IssuedCodes[I] := FromUtf8(loy_receipt_issued_code(H, I));
    SetLength(Result.CouponCodes, loy_receipt_coupon_count(H));
    SetLength(Result.CouponAmounts, Length(Result.CouponCodes));
    for I := 0 to High(Result.CouponCodes) do
    begin
      Result.CouponCodes[I] := FromUtf8(loy_receipt_coupon_code(H, I));
      Result.CouponAmounts[I] := loy_receipt_coupon_amount(H, I);
    end;
    SetLength(Result.Rules, loy_receipt_rule_count(H));
    for I := 0 to High(Result.Rules) do
    begin
      Result.Rules[I].Rule := FromUtf8(loy_receipt_rule_id(H, I));
      Result.Rules[I].Points := loy_receipt_rule_points(H, I);
      Result.Rules[I].Explanation := FromUtf8(loy_receipt_rule_explanation(H, I));
    end;
  finally
    loy_receipt_free(H);
  end;
end;

constructor TLoyBasket.Create;
var
  Err: TLoyError;
begin
  inherited Create;
  Err := NewError;
  Check(loy_basket_new(@FHandle, @Err), Err);
end;

destructor TLoyBasket.Destroy;
begin
  loy_basket_free(FHandle);
  inherited Destroy;
end;

procedure TLoyBasket.SetMember(MemberId: Int64);
var
  Err: TLoyError;
begin
  Err := NewError;
  Check(loy_basket_set_member(FHandle, MemberId, @Err), Err);
end;

procedure TLoyBasket.SetContext(const Receipt, Branch, Terminal, Cashier: string);
var
  Err: TLoyError;
  R, B, T, C: UTF8String;
begin
  Err := NewError;
  R := ToUtf8(Receipt);
  B := ToUtf8(Branch);
  T := ToUtf8(Terminal);
  C := ToUtf8(Cashier);
  Check(loy_basket_set_context(FHandle, OptUtf8(R), OptUtf8(B), OptUtf8(T), OptUtf8(C), @Err), Err);
end;

function TLoyBasket.AddLine(const Sku, Category: string; QuantityMilli, UnitPrice: Int64;
  LineDiscount: Int64): Int32;
var
  Err: TLoyError;
  S, C: UTF8String;
begin
  Err := NewError;
  S := ToUtf8(Sku);
  C := ToUtf8(Category);
  Result := 0;
  Check(loy_basket_add_line(FHandle, PAnsiChar(S), OptUtf8(C), QuantityMilli, UnitPrice,
    LineDiscount, @Result, @Err), Err);
  if Result > FLines then
    FLines := Result;
end;

function TLoyBasket.AddWalletTopup(Amount: Int64): Int32;
var
  Err: TLoyError;
begin
  Err := NewError;
  Result := 0;
  Check(loy_basket_add_wallet_topup(FHandle, Amount, @Result, @Err), Err);
  if Result > FLines then
    FLines := Result;
end;

function TLoyBasket.AddPlan(const PlanId: string; Periods: Int32): Int32;
var
  Err: TLoyError;
  P: UTF8String;
begin
  Err := NewError;
  P := ToUtf8(PlanId);
  Result := 0;
  Check(loy_basket_add_plan(FHandle, PAnsiChar(P), Periods, @Result, @Err), Err);
  if Result > FLines then
    FLines := Result;
end;

procedure TLoyBasket.SetCurrency(const Currency: string);
var
  Err: TLoyError;
  C: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(Currency);
  Check(loy_basket_set_currency(FHandle, PAnsiChar(C), @Err), Err);
end;

procedure TLoyBasket.SetCharges(Tax, Service, Tip: Int64);
var
  Err: TLoyError;
begin
  Err := NewError;
  Check(loy_basket_set_charges(FHandle, Tax, Service, Tip, @Err), Err);
end;

procedure TLoyBasket.AddTender(const Kind: string; Amount: Int64);
var
  Err: TLoyError;
  K: UTF8String;
begin
  Err := NewError;
  K := ToUtf8(Kind);
  Check(loy_basket_add_tender(FHandle, PAnsiChar(K), Amount, @Err), Err);
end;

procedure TLoyBasket.PayWallet(Amount: Int64);
var
  Err: TLoyError;
begin
  Err := NewError;
  Check(loy_basket_pay_wallet(FHandle, Amount, @Err), Err);
end;

procedure TLoyBasket.PayGiftCard(const Code: string; Amount: Int64);
var
  Err: TLoyError;
  C: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(Code);
  Check(loy_basket_pay_giftcard(FHandle, PAnsiChar(C), Amount, @Err), Err);
end;

procedure TLoyBasket.SetHold(const HoldId: string; Points: Int64);
var
  Err: TLoyError;
  H: UTF8String;
begin
  Err := NewError;
  H := ToUtf8(HoldId);
  Check(loy_basket_set_hold(FHandle, OptUtf8(H), Points, @Err), Err);
end;

procedure TLoyBasket.SetWalletHold(const HoldId: string; Amount: Int64);
var
  Err: TLoyError;
  H: UTF8String;
begin
  Err := NewError;
  H := ToUtf8(HoldId);
  Check(loy_basket_set_wallet_hold(FHandle, OptUtf8(H), Amount, @Err), Err);
end;

procedure TLoyBasket.SetGiftcardHold(const HoldId: string);
var
  Err: TLoyError;
  H: UTF8String;
begin
  Err := NewError;
  H := ToUtf8(HoldId);
  Check(loy_basket_set_giftcard_hold(FHandle, OptUtf8(H), @Err), Err);
end;

procedure TLoyBasket.SetCouponHold(const HoldId: string);
var
  Err: TLoyError;
  H: UTF8String;
begin
  Err := NewError;
  H := ToUtf8(HoldId);
  Check(loy_basket_set_coupon_hold(FHandle, OptUtf8(H), @Err), Err);
end;

procedure TLoyBasket.RedeemPoints(Points: Int64);
var
  Err: TLoyError;
begin
  Err := NewError;
  Check(loy_basket_redeem_points(FHandle, Points, @Err), Err);
end;

procedure TLoyBasket.AddCoupon(const Code: string);
var
  Err: TLoyError;
  C: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(Code);
  Check(loy_basket_add_coupon(FHandle, PAnsiChar(C), @Err), Err);
end;

constructor TLoyDatabase.Open(const Path, DefaultCurrency: string; ReadOnly: Boolean;
  CheckpointMode: Int32);
var
  Opts: Tloy_open_options;
  Err: TLoyError;
  P, C: UTF8String;
begin
  inherited Create;
  loy_open_options_init(@Opts);
  P := ToUtf8(Path);
  C := ToUtf8(DefaultCurrency);
  Opts.path := PAnsiChar(P);
  Opts.default_currency := OptUtf8(C);
  if ReadOnly then
    Opts.read_only := 1;
  Opts.checkpoint := CheckpointMode;
  Err := NewError;
  Check(loy_open(@Opts, @FHandle, @Err), Err);
end;

destructor TLoyDatabase.Destroy;
begin
  loy_close(FHandle);
  inherited Destroy;
end;

procedure TLoyDatabase.SetClock(NowMs: Int64);
var
  Err: TLoyError;
begin
  Err := NewError;
  Check(loy_set_clock(FHandle, NowMs, @Err), Err);
end;

procedure TLoyDatabase.Checkpoint(out WalFrames, CopiedFrames: Int32);
var
  Err: TLoyError;
begin
  Err := NewError;
  WalFrames := 0;
  CopiedFrames := 0;
  Check(loy_checkpoint(FHandle, @WalFrames, @CopiedFrames, @Err), Err);
end;

function TLoyDatabase.LoadProgrammeFile(const Path: string): Int64;
var
  Err: TLoyError;
  P: UTF8String;
begin
  Err := NewError;
  P := ToUtf8(Path);
  Result := 0;
  Check(loy_program_load_file(FHandle, PAnsiChar(P), @Result, @Err), Err);
end;

function TLoyDatabase.Enrol(const Phone, Name: string; const Key: string): TLoyMember;
var
  Err: TLoyError;
  Fields: Tloy_member_fields;
  P, N, K: UTF8String;
  H: Pointer;
begin
  loy_member_fields_init(@Fields);
  P := ToUtf8(Phone);
  N := ToUtf8(Name);
  K := ToUtf8(Key);
  Fields.phone := OptUtf8(P);
  Fields.name := OptUtf8(N);
  Err := NewError;
  H := nil;
  Check(loy_member_enrol(FHandle, @Fields, OptUtf8(K), @H, @Err), Err);
  Result := ReadMember(H);
end;

function TLoyDatabase.Member(MemberId: Int64): TLoyMember;
var
  Err: TLoyError;
  H: Pointer;
begin
  Err := NewError;
  H := nil;
  Check(loy_member_get(FHandle, MemberId, @H, @Err), Err);
  Result := ReadMember(H);
end;

function TLoyDatabase.Identify(const PhoneOrCard: string): TLoyMember;
var
  Err: TLoyError;
  T: UTF8String;
  H: Pointer;
begin
  Err := NewError;
  T := ToUtf8(PhoneOrCard);
  H := nil;
  Check(loy_member_identify(FHandle, PAnsiChar(T), @H, @Err), Err);
  Result := ReadMember(H);
end;

function TLoyDatabase.Commit(Basket: TLoyBasket; const Key: string): TLoyReceipt;
var
  Err: TLoyError;
  K: UTF8String;
  H: Pointer;
begin
  Err := NewError;
  K := ToUtf8(Key);
  H := nil;
  Check(loy_commit(FHandle, Basket.Handle, OptUtf8(K), @H, @Err), Err);
  Result := ReadReceipt(H);
end;

function TLoyDatabase.RefundAll(SaleId: Int64; const Key: string): TLoyReceipt;
var
  Err: TLoyError;
  K: UTF8String;
  H: Pointer;
begin
  Err := NewError;
  K := ToUtf8(Key);
  H := nil;
  Check(loy_refund_sale(FHandle, SaleId, nil, OptUtf8(K), @H, @Err), Err);
  Result := ReadReceipt(H);
end;

function TLoyDatabase.ExportMember(MemberId: Int64): string;
var
  Err: TLoyError;
  Needed: size_t;
  Buf: array of AnsiChar;
begin
  Err := NewError;
  Needed := 0;
  Check(loy_member_export(FHandle, MemberId, nil, 0, @Needed, @Err), Err);
  SetLength(Buf, Needed + 1);
  Check(loy_member_export(FHandle, MemberId, @Buf[0], Length(Buf), @Needed, @Err), Err);
  Result := FromUtf8(@Buf[0]);
end;

function TLoyDatabase.IssueCoupon(const CampaignId: string; MemberId: Int64;
  const Key: string): string;
var
  Err: TLoyError;
  Needed: size_t;
  Buf: array of AnsiChar;
  C, K: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(CampaignId);
  K := ToUtf8(Key);
  Needed := 0;
  Check(loy_coupon_issue(FHandle, PAnsiChar(C), MemberId, OptUtf8(K), nil, 0, @Needed, @Err), Err);
  SetLength(Buf, Needed + 1);
  Check(loy_coupon_issue(FHandle, PAnsiChar(C), MemberId, OptUtf8(K), @Buf[0], Length(Buf),
    @Needed, @Err), Err);
  Result := FromUtf8(@Buf[0]);
end;

procedure TLoyDatabase.MemberEvent(Event: TLoyMemberEvent; MemberId: Int64; const Key: string);
var
  Err: TLoyError;
  K: UTF8String;
begin
  Err := NewError;
  K := ToUtf8(Key);
  Check(Event(FHandle, MemberId, OptUtf8(K), @Err), Err);
end;

procedure TLoyDatabase.Deactivate(MemberId: Int64; const Key: string);
begin
  MemberEvent(@loy_member_deactivate_with_key, MemberId, Key);
end;

procedure TLoyDatabase.Reactivate(MemberId: Int64; const Key: string);
begin
  MemberEvent(@loy_member_reactivate_with_key, MemberId, Key);
end;

procedure TLoyDatabase.Erase(MemberId: Int64; const Key: string);
begin
  MemberEvent(@loy_member_erase_with_key, MemberId, Key);
end;

function TLoyDatabase.OriginName: string;
var
  Err: TLoyError;
  Needed: size_t;
  Buf: array of AnsiChar;
begin
  Err := NewError;
  Needed := 0;
  Check(loy_origin_get(FHandle, nil, 0, @Needed, nil, nil, @Err), Err);
  SetLength(Buf, Needed + 1);
  Check(loy_origin_get(FHandle, @Buf[0], Length(Buf), @Needed, nil, nil, @Err), Err);
  Result := FromUtf8(@Buf[0]);
end;

function TLoyDatabase.MemberByUid(const Uid: string): TLoyMember;
var
  Err: TLoyError;
  U: UTF8String;
  H: Pointer;
begin
  Err := NewError;
  U := ToUtf8(Uid);
  H := nil;
  Check(loy_member_find_by_uid(FHandle, PAnsiChar(U), @H, @Err), Err);
  Result := ReadMember(H);
end;

function TLoyDatabase.ReceiptByUid(const Uid: string): TLoyReceipt;
var
  Err: TLoyError;
  U: UTF8String;
  H: Pointer;
begin
  Err := NewError;
  U := ToUtf8(Uid);
  H := nil;
  Check(loy_receipt_get(FHandle, PAnsiChar(U), @H, @Err), Err);
  Result := ReadReceipt(H);
end;

function TLoyDatabase.JournalCount(AfterSeq: Int64): Int64;
var
  Err: TLoyError;
  H: Pointer;
begin
  Err := NewError;
  H := nil;
  Check(loy_journal_read(FHandle, nil, AfterSeq, 10000, @H, @Err), Err);
  Result := Int64(loy_journal_count(H));
  loy_journal_free(H);
end;

function TLoyDatabase.ApplyJournalFrom(Source: TLoyDatabase; const Origin: string): Int64;
var
  Err: TLoyError;
  H: Pointer;
  O: UTF8String;
  Duplicates: Int64;
  Status: Int32;
begin
  Err := NewError;
  H := nil;
  O := ToUtf8(Origin);
  Check(loy_journal_read(Source.Handle, PAnsiChar(O), 0, 10000, @H, @Err), Err);
  Result := 0;
  Duplicates := 0;
  Status := loy_journal_apply(FHandle, H, @Result, @Duplicates, @Err);
  loy_journal_free(H);
  Check(Status, Err);
end;

function TLoyDatabase.FormatMoney(MinorUnits: Int64; const Currency: string): string;
begin
  Result := loyalty.FormatMoney(FHandle, MinorUnits, Currency);
end;

function TLoyDatabase.Verify: Int64;
var
  Err: TLoyError;
begin
  Err := NewError;
  Result := -1;
  Check(loy_verify(FHandle, @Result, nil, 0, nil, @Err), Err);
end;

function ReadJournal(J: Pointer): TLoyJournal;
var
  I: Integer;
begin
  try
    Result := nil;
    SetLength(Result, loy_journal_count(J));
    for I := 0 to High(Result) do
    begin
      Result[I].Origin := FromUtf8(loy_journal_origin(J, I));
      Result[I].Seq := loy_journal_seq(J, I);
      Result[I].Kind := FromUtf8(loy_journal_kind(J, I));
      Result[I].Key := FromUtf8(loy_journal_key(J, I));
      Result[I].Body := FromUtf8(loy_journal_body(J, I));
      Result[I].Prev := FromUtf8(loy_journal_prev(J, I));
      Result[I].Hash := FromUtf8(loy_journal_hash(J, I));
      Result[I].CreatedAt := loy_journal_created_at(J, I);
    end;
  finally
    loy_journal_free(J);
  end;
end;

function TLoyDatabase.Journal(const Origin: string; AfterSeq: Int64; Limit: Int32): TLoyJournal;
var
  Err: TLoyError;
  O: UTF8String;
  J: Pointer;
begin
  Err := NewError;
  O := ToUtf8(Origin);
  J := nil;
  Check(loy_journal_read(FHandle, OptUtf8(O), AfterSeq, Limit, @J, @Err), Err);
  Result := ReadJournal(J);
end;

function TLoyDatabase.JournalHeads: TLoyJournal;
var
  Err: TLoyError;
  J: Pointer;
begin
  Err := NewError;
  J := nil;
  Check(loy_journal_heads(FHandle, @J, @Err), Err);
  Result := ReadJournal(J);
end;

function TLoyDatabase.ApplyJournal(const Records: TLoyJournal; out Duplicates: Int64): Int64;
begin
  Result := ApplyJournal(Records, nil, Duplicates);
end;

function TLoyDatabase.ApplyJournal(const Records: TLoyJournal; const Profiles: TLoyProfiles;
  out Duplicates: Int64): Int64;
var
  Err: TLoyError;
  J: Pointer;
  I: Integer;
  O, K, Y, B, P, H, U: UTF8String;
  C: TMemberFieldsC;
begin
  Err := NewError;
  J := nil;
  Check(loy_journal_new(@J, @Err), Err);
  try
    for I := 0 to High(Records) do
    begin
      O := ToUtf8(Records[I].Origin);
      K := ToUtf8(Records[I].Kind);
      Y := ToUtf8(Records[I].Key);
      B := ToUtf8(Records[I].Body);
      P := ToUtf8(Records[I].Prev);
      H := ToUtf8(Records[I].Hash);
      Check(loy_journal_add(J, PAnsiChar(O), Records[I].Seq, PAnsiChar(K), OptUtf8(Y), PAnsiChar(B),
        PAnsiChar(P), PAnsiChar(H), Records[I].CreatedAt, @Err), Err);
    end;
    for I := 0 to High(Profiles) do
    begin
      FieldsToC(Profiles[I].Fields, C);
      U := ToUtf8(Profiles[I].Uid);
      Check(loy_journal_add_profile(J, PAnsiChar(U), @C.F, @Err), Err);
    end;
    Result := 0;
    Duplicates := 0;
    Check(loy_journal_apply(FHandle, J, @Result, @Duplicates, @Err), Err);
  finally
    loy_journal_free(J);
  end;
end;

function TLoyDatabase.ApplyProfile(const Uid: string; const Fields: TLoyMemberFields): TLoyMember;
var
  Err: TLoyError;
  C: TMemberFieldsC;
  U: UTF8String;
  H: Pointer;
begin
  FieldsToC(Fields, C);
  U := ToUtf8(Uid);
  Err := NewError;
  H := nil;
  Check(loy_member_profile_apply(FHandle, PAnsiChar(U), @C.F, @H, @Err), Err);
  Result := ReadMember(H);
end;

function TLoyDatabase.PublishProgramme(const Json: string; StartsAtMs: Int64): Int64;
var
  Err: TLoyError;
  J: UTF8String;
begin
  Err := NewError;
  J := ToUtf8(Json);
  Result := 0;
  Check(loy_program_publish(FHandle, PAnsiChar(J), StartsAtMs, @Result, @Err), Err);
end;

function TLoyDatabase.NextProgramme(out StartsAt: Int64): Int64;
var
  Err: TLoyError;
begin
  Err := NewError;
  Result := 0;
  StartsAt := 0;
  Check(loy_program_next(FHandle, @Result, @StartsAt, @Err), Err);
end;

function TLoyDatabase.LoadProgramme(const Json: string): Int64;
var
  Err: TLoyError;
  J: UTF8String;
begin
  Err := NewError;
  J := ToUtf8(Json);
  Result := 0;
  Check(loy_program_load_json(FHandle, PAnsiChar(J), @Result, @Err), Err);
end;

function TLoyDatabase.ExportProgramme(Version: Int64): string;
var
  Err: TLoyError;
  T: TLoyTextBuffer;
begin
  Err := NewError;
  T := Default(TLoyTextBuffer);
  Check(loy_program_export_json(FHandle, Version, nil, 0, @T.Needed, @Err), Err);
  Check(loy_program_export_json(FHandle, Version, T.Grow, T.Capacity, @T.Needed, @Err), Err);
  Result := T.Text;
end;

function TLoyDatabase.CouponClaims(Basket: TLoyBasket): string;
var
  Err: TLoyError;
  T: TLoyTextBuffer;
begin
  Err := NewError;
  T := Default(TLoyTextBuffer);
  Check(loy_basket_coupon_claims(FHandle, Basket.Handle, nil, 0, @T.Needed, @Err), Err);
  Check(loy_basket_coupon_claims(FHandle, Basket.Handle, T.Grow, T.Capacity, @T.Needed, @Err),
        Err);
  Result := T.Text;
end;

function TLoyDatabase.GiftcardClaims(Basket: TLoyBasket): string;
var
  Err: TLoyError;
  T: TLoyTextBuffer;
begin
  Err := NewError;
  T := Default(TLoyTextBuffer);
  Check(loy_basket_giftcard_claims(FHandle, Basket.Handle, nil, 0, @T.Needed, @Err), Err);
  Check(loy_basket_giftcard_claims(FHandle, Basket.Handle, T.Grow, T.Capacity, @T.Needed, @Err),
        Err);
  Result := T.Text;
end;

function TLoyDatabase.ProgrammeVersion: Int64;
begin
  Result := loy_program_active_version(FHandle);
end;

function TLoyDatabase.Now: Int64;
begin
  Result := loy_now(FHandle);
end;

procedure TLoyDatabase.SetCurrency(const Code: string; Exponent: Int32);
var
  Err: TLoyError;
  C: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(Code);
  Check(loy_currency_set(FHandle, PAnsiChar(C), Exponent, @Err), Err);
end;

function TLoyDatabase.CurrencyExponent(const Code: string): Int32;
var
  Err: TLoyError;
  C: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(Code);
  Result := 0;
  Check(loy_currency_exponent(FHandle, PAnsiChar(C), @Result, @Err), Err);
end;

function TLoyDatabase.NormalizePhone(const Phone: string): string;
var
  Err: TLoyError;
  T: TLoyTextBuffer;
  P: UTF8String;
begin
  Err := NewError;
  T := Default(TLoyTextBuffer);
  P := ToUtf8(Phone);
  Check(loy_phone_normalize(FHandle, PAnsiChar(P), nil, 0, @T.Needed, @Err), Err);
  Check(loy_phone_normalize(FHandle, PAnsiChar(P), T.Grow, T.Capacity, @T.Needed, @Err), Err);
  Result := T.Text;
end;

function TLoyDatabase.EnrolFields(const Fields: TLoyMemberFields; const Key: string): TLoyMember;
var
  Err: TLoyError;
  C: TMemberFieldsC;
  K: UTF8String;
  H: Pointer;
begin
  FieldsToC(Fields, C);
  K := ToUtf8(Key);
  Err := NewError;
  H := nil;
  Check(loy_member_enrol(FHandle, @C.F, OptUtf8(K), @H, @Err), Err);
  Result := ReadMember(H);
end;

function TLoyDatabase.UpdateMember(MemberId: Int64; const Fields: TLoyMemberFields;
  const Key: string): TLoyMember;
var
  Err: TLoyError;
  C: TMemberFieldsC;
  K: UTF8String;
  H: Pointer;
begin
  FieldsToC(Fields, C);
  K := ToUtf8(Key);
  Err := NewError;
  H := nil;
  Check(loy_member_update_with_key(FHandle, MemberId, @C.F, OptUtf8(K), @H, @Err), Err);
  Result := ReadMember(H);
end;

function TLoyDatabase.FindByPhone(const Phone: string): TLoyMember;
var
  Err: TLoyError;
  P: UTF8String;
  H: Pointer;
begin
  Err := NewError;
  P := ToUtf8(Phone);
  H := nil;
  Check(loy_member_find_by_phone(FHandle, PAnsiChar(P), @H, @Err), Err);
  Result := ReadMember(H);
end;

function TLoyDatabase.FindByCard(const Card: string): TLoyMember;
var
  Err: TLoyError;
  C: UTF8String;
  H: Pointer;
begin
  Err := NewError;
  C := ToUtf8(Card);
  H := nil;
  Check(loy_member_find_by_card(FHandle, PAnsiChar(C), @H, @Err), Err);
  Result := ReadMember(H);
end;

function TLoyDatabase.SearchMembers(const Query: TLoyMemberQuery): TLoyMembers;
var
  Err: TLoyError;
  Q: Tloy_member_query;
  N, P, T: UTF8String;
  L: Pointer;
  I: Integer;
begin
  loy_member_query_init(@Q);
  N := ToUtf8(Query.NamePrefix);
  P := ToUtf8(Query.PhonePrefix);
  T := ToUtf8(Query.Tag);
  Q.name_prefix := OptUtf8(N);
  Q.phone_prefix := OptUtf8(P);
  Q.tag := OptUtf8(T);
  if Query.IncludeInactive then
    Q.include_inactive := 1;
  Q.limit := Query.Limit;
  Q.after_id := Query.AfterId;
  Err := NewError;
  L := nil;
  Check(loy_member_search(FHandle, @Q, @L, @Err), Err);
  try
    Result := nil;
    SetLength(Result, loy_member_list_count(L));
    for I := 0 to High(Result) do
      Result[I] := CopyMember(loy_member_list_at(L, I));
  finally
    loy_member_list_free(L);
  end;
end;

function TLoyDatabase.Merge(SurvivorId, AbsorbedId: Int64; const Key: string): TLoyMember;
var
  Err: TLoyError;
  K: UTF8String;
  H: Pointer;
begin
  Err := NewError;
  K := ToUtf8(Key);
  H := nil;
  Check(loy_member_merge_with_key(FHandle, SurvivorId, AbsorbedId, OptUtf8(K), @H, @Err), Err);
  Result := ReadMember(H);
end;

function TLoyDatabase.History(MemberId: Int64; Limit, Offset: Int32): TLoyHistory;
var
  Err: TLoyError;
  H: Pointer;
  I: Integer;
begin
  Err := NewError;
  H := nil;
  Check(loy_history_get(FHandle, MemberId, Limit, Offset, @H, @Err), Err);
  try
    Result := nil;
    SetLength(Result, loy_history_count(H));
    for I := 0 to High(Result) do
    begin
      Result[I].Uid := FromUtf8(loy_history_uid(H, I));
      Result[I].Kind := loy_history_kind(H, I);
      Result[I].Points := loy_history_points(H, I);
      Result[I].SaleId := loy_history_sale_id(H, I);
      Result[I].Reason := FromUtf8(loy_history_reason(H, I));
      Result[I].Branch := FromUtf8(loy_history_branch(H, I));
      Result[I].Terminal := FromUtf8(loy_history_terminal(H, I));
      Result[I].CreatedAt := loy_history_created_at(H, I);
      Result[I].ExpiresAt := loy_history_expires_at(H, I);
      Result[I].Corrects := FromUtf8(loy_history_corrects(H, I));
      Result[I].OperatorId := FromUtf8(loy_history_operator(H, I));
      Result[I].Approver := FromUtf8(loy_history_approver(H, I));
    end;
  finally
    loy_history_free(H);
  end;
end;

function TLoyDatabase.RecordEvent(MemberId: Int64; const Action, Key: string): Int64;
var
  Err: TLoyError;
  A, K: UTF8String;
begin
  Err := NewError;
  A := ToUtf8(Action);
  K := ToUtf8(Key);
  Result := 0;
  Check(loy_event_record(FHandle, MemberId, PAnsiChar(A), OptUtf8(K), @Result, @Err), Err);
end;

function TLoyDatabase.TierStatus(MemberId: Int64): TLoyTierStatus;
var
  Err: TLoyError;
  S: Pointer;
  I: Integer;
begin
  Err := NewError;
  S := nil;
  Check(loy_tier_status_get(FHandle, MemberId, @S, @Err), Err);
  try
    Result := Default(TLoyTierStatus);
    Result.Tier := FromUtf8(loy_tier_status_tier(S));
    Result.TierName := FromUtf8(loy_tier_status_tier_name(S));
    Result.Since := loy_tier_status_since(S);
    Result.Score := loy_tier_status_score(S);
    Result.NextTier := FromUtf8(loy_tier_status_next_tier(S));
    Result.NextTierName := FromUtf8(loy_tier_status_next_tier_name(S));
    Result.NextThreshold := loy_tier_status_next_threshold(S);
    Result.Missing := loy_tier_status_missing(S);
    Result.Progress := FromUtf8(loy_tier_status_progress(S));
    Result.AtRiskSince := loy_tier_status_at_risk_since(S);
    Result.FloorTier := FromUtf8(loy_tier_status_floor_tier(S));
    Result.Multiplier := FromUtf8(loy_tier_status_multiplier(S));
    Result.Discount := FromUtf8(loy_tier_status_discount(S));
    Result.FreeDelivery := loy_tier_status_free_delivery(S) = 1;
    Result.Plan := FromUtf8(loy_tier_status_plan(S));
    Result.PlanEndsAt := loy_tier_status_plan_ends_at(S);
    Result.AssignedTier := FromUtf8(loy_tier_status_assigned_tier(S));
    Result.AssignedUntil := loy_tier_status_assigned_until(S);
    SetLength(Result.Benefits, loy_tier_status_benefit_count(S));
    for I := 0 to High(Result.Benefits) do
      Result.Benefits[I] := FromUtf8(loy_tier_status_benefit(S, I));
    SetLength(Result.Events, loy_tier_status_event_count(S));
    for I := 0 to High(Result.Events) do
    begin
      Result.Events[I].Uid := FromUtf8(loy_tier_status_event_uid(S, I));
      Result.Events[I].FromTier := FromUtf8(loy_tier_status_event_from(S, I));
      Result.Events[I].ToTier := FromUtf8(loy_tier_status_event_to(S, I));
      Result.Events[I].Reason := FromUtf8(loy_tier_status_event_reason(S, I));
      Result.Events[I].Score := loy_tier_status_event_score(S, I);
      Result.Events[I].SaleId := loy_tier_status_event_sale_id(S, I);
      Result.Events[I].At := loy_tier_status_event_at(S, I);
    end;
  finally
    loy_tier_status_free(S);
  end;
end;

function TLoyDatabase.CreateHousehold(HeadMemberId: Int64; const Key: string): Int64;
var
  Err: TLoyError;
  K: UTF8String;
begin
  Err := NewError;
  K := ToUtf8(Key);
  Result := 0;
  Check(loy_household_create(FHandle, HeadMemberId, OptUtf8(K), @Result, @Err), Err);
end;

procedure TLoyDatabase.JoinHousehold(HouseholdId, MemberId: Int64; const Key: string);
var
  Err: TLoyError;
  K: UTF8String;
begin
  Err := NewError;
  K := ToUtf8(Key);
  Check(loy_household_join(FHandle, HouseholdId, MemberId, OptUtf8(K), @Err), Err);
end;

procedure TLoyDatabase.LeaveHousehold(MemberId: Int64; const Key: string);
var
  Err: TLoyError;
  K: UTF8String;
begin
  Err := NewError;
  K := ToUtf8(Key);
  Check(loy_household_leave(FHandle, MemberId, OptUtf8(K), @Err), Err);
end;

function TLoyDatabase.HouseholdOf(MemberId: Int64; out HeadId: Int64): Int64;
var
  Err: TLoyError;
begin
  Err := NewError;
  Result := 0;
  HeadId := 0;
  Check(loy_member_household(FHandle, MemberId, @Result, @HeadId, nil, @Err), Err);
end;

function TLoyDatabase.Stamps(MemberId: Int64; const Card: string): Int64;
var
  Err: TLoyError;
  C: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(Card);
  Result := 0;
  Check(loy_member_stamps(FHandle, MemberId, PAnsiChar(C), @Result, @Err), Err);
end;

procedure TLoyDatabase.AssignTier(MemberId: Int64; const Tier, Reason, OperatorId, Key: string;
  UntilMs: Int64);
var
  Err: TLoyError;
  T, R, O, K: UTF8String;
begin
  Err := NewError;
  T := ToUtf8(Tier);
  R := ToUtf8(Reason);
  O := ToUtf8(OperatorId);
  K := ToUtf8(Key);
  Check(loy_tier_assign(FHandle, MemberId, OptUtf8(T), UntilMs, OptUtf8(R), OptUtf8(O), OptUtf8(K),
    @Err), Err);
end;

procedure TLoyDatabase.CancelPlan(MemberId: Int64; const Key: string);
var
  Err: TLoyError;
  K: UTF8String;
begin
  Err := NewError;
  K := ToUtf8(Key);
  Check(loy_plan_cancel(FHandle, MemberId, OptUtf8(K), @Err), Err);
end;

function TLoyDatabase.Quote(Basket: TLoyBasket): TLoyQuote;
var
  Err: TLoyError;
  H: Pointer;
  I: Integer;
begin
  Err := NewError;
  H := nil;
  Check(loy_quote_basket(FHandle, Basket.Handle, @H, @Err), Err);
  try
    Result := Default(TLoyQuote);
    Result.MemberId := loy_quote_member_id(H);
    Result.ProgramVersion := loy_quote_program_version(H);
    Result.Total := loy_quote_total(H);
    Result.PointsEarned := loy_quote_points_earned(H);
    Result.Balance := loy_quote_balance(H);
    Result.Available := loy_quote_available(H);
    Result.RedeemablePoints := loy_quote_redeemable_points(H);
    Result.RedeemableValue := loy_quote_redeemable_value(H);
    Result.RedeemStatus := loy_quote_redeem_status(H);
    Result.RedeemPoints := loy_quote_redeem_points(H);
    Result.RedeemValue := loy_quote_redeem_value(H);
    Result.AmountDue := loy_quote_amount_due(H);
    Result.BenefitDiscount := loy_quote_benefit_discount(H);
    Result.FreeDelivery := loy_quote_free_delivery(H) = 1;
    Result.CouponDiscount := loy_quote_coupon_discount(H);
    Result.Cashback := loy_quote_cashback(H);
    Result.WalletBalance := loy_quote_wallet_balance(H);
    Result.WalletAvailable := loy_quote_wallet_available(H);
    Result.WalletStatus := loy_quote_wallet_status(H);
    Result.WalletAmount := loy_quote_wallet_amount(H);
    Result.GiftCardAmount := loy_quote_gift_card_amount(H);
    Result.Tier := FromUtf8(loy_quote_tier(H));
    Result.TierAfter := FromUtf8(loy_quote_tier_after(H));
    Result.Progress := FromUtf8(loy_quote_progress(H));
    SetLength(Result.Rules, loy_quote_rule_count(H));
    for I := 0 to High(Result.Rules) do
    begin
      Result.Rules[I].Rule := FromUtf8(loy_quote_rule_id(H, I));
      Result.Rules[I].Points := loy_quote_rule_points(H, I);
      Result.Rules[I].Explanation := FromUtf8(loy_quote_rule_explanation(H, I));
    end;
    SetLength(Result.Coupons, loy_quote_coupon_count(H));
    for I := 0 to High(Result.Coupons) do
    begin
      Result.Coupons[I].Code := FromUtf8(loy_quote_coupon_code(H, I));
      Result.Coupons[I].Campaign := FromUtf8(loy_quote_coupon_campaign(H, I));
      Result.Coupons[I].Status := loy_quote_coupon_status(H, I);
      Result.Coupons[I].Message := FromUtf8(loy_quote_coupon_message(H, I));
      Result.Coupons[I].Amount := loy_quote_coupon_amount(H, I);
      Result.Coupons[I].Points := loy_quote_coupon_points(H, I);
    end;
    SetLength(Result.LinePoints, Basket.Lines);
    for I := 0 to High(Result.LinePoints) do
      Result.LinePoints[I] := loy_quote_line_points(H, I + 1);
  finally
    loy_quote_free(H);
  end;
end;

function TLoyDatabase.Refund(SaleId: Int64; const LineNos: array of Int32;
  const Quantities: array of Int64; const Key: string): TLoyReceipt;
var
  Err: TLoyError;
  R, H: Pointer;
  K: UTF8String;
  I: Integer;
begin
  if Length(LineNos) <> Length(Quantities) then
    raise ELoyInvalidInput.CreateStatus(LOY_ERR_INVALID_ARGUMENT,
      'a refund needs one quantity per line number');
  Err := NewError;
  R := nil;
  Check(loy_refund_new(@R, @Err), Err);
  try
    for I := 0 to High(LineNos) do
      Check(loy_refund_add_line(R, LineNos[I], Quantities[I], @Err), Err);
    K := ToUtf8(Key);
    H := nil;
    Check(loy_refund_sale(FHandle, SaleId, R, OptUtf8(K), @H, @Err), Err);
    Result := ReadReceipt(H);
  finally
    loy_refund_free(R);
  end;
end;

function TLoyDatabase.VoidSale(SaleId: Int64; const Key: string): TLoyReceipt;
var
  Err: TLoyError;
  K: UTF8String;
  H: Pointer;
begin
  Err := NewError;
  K := ToUtf8(Key);
  H := nil;
  Check(loy_void_sale(FHandle, SaleId, OptUtf8(K), @H, @Err), Err);
  Result := ReadReceipt(H);
end;

function TLoyDatabase.SaleByReceipt(const Receipt: string; const Branch: string): Int64;
var
  Err: TLoyError;
  R, B: UTF8String;
begin
  Err := NewError;
  R := ToUtf8(Receipt);
  B := ToUtf8(Branch);
  Result := 0;
  Check(loy_sale_find_by_receipt(FHandle, PAnsiChar(R), OptUtf8(B), @Result, @Err), Err);
end;

function TLoyDatabase.ClaimSale(SaleId, MemberId: Int64; const Cashier, Key: string): TLoyReceipt;
var
  Err: TLoyError;
  C, K: UTF8String;
  H: Pointer;
begin
  Err := NewError;
  C := ToUtf8(Cashier);
  K := ToUtf8(Key);
  H := nil;
  Check(loy_sale_claim(FHandle, SaleId, MemberId, OptUtf8(C), OptUtf8(K), @H, @Err), Err);
  Result := ReadReceipt(H);
end;

function TLoyDatabase.SaleByKey(const Key: string): Int64;
var
  Err: TLoyError;
  K: UTF8String;
begin
  Err := NewError;
  K := ToUtf8(Key);
  Result := 0;
  Check(loy_sale_find_by_key(FHandle, PAnsiChar(K), @Result, @Err), Err);
end;

function TLoyDatabase.SaleByUid(const Uid: string): Int64;
var
  Err: TLoyError;
  U: UTF8String;
begin
  Err := NewError;
  U := ToUtf8(Uid);
  Result := 0;
  Check(loy_sale_find_by_uid(FHandle, PAnsiChar(U), @Result, @Err), Err);
end;

function TLoyDatabase.Wallet(MemberId: Int64): TLoyWallet;
var
  Err: TLoyError;
begin
  Err := NewError;
  Result := Default(TLoyWallet);
  Check(loy_wallet_get(FHandle, MemberId, @Result.Balance, @Result.Available, @Result.Pending,
    @Err), Err);
end;

function TLoyDatabase.CreditWallet(MemberId, Amount: Int64;
  const Reason, OperatorId, Key: string): Int64;
var
  Err: TLoyError;
  R, O, K: UTF8String;
begin
  Err := NewError;
  R := ToUtf8(Reason);
  O := ToUtf8(OperatorId);
  K := ToUtf8(Key);
  Result := 0;
  Check(loy_wallet_credit(FHandle, MemberId, Amount, OptUtf8(R), OptUtf8(O), OptUtf8(K), @Result,
    @Err), Err);
end;

function ReadCoupon(C: Pointer): TLoyCoupon;
begin
  try
    Result := Default(TLoyCoupon);
    Result.Code := FromUtf8(loy_coupon_code(C));
    Result.Uid := FromUtf8(loy_coupon_uid(C));
    Result.Campaign := FromUtf8(loy_coupon_campaign(C));
    Result.MemberId := loy_coupon_member_id(C);
    Result.BatchId := loy_coupon_batch_id(C);
    Result.MaxUses := loy_coupon_max_uses(C);
    Result.UseCount := loy_coupon_uses(C);
    Result.ValidUntil := loy_coupon_valid_until(C);
    Result.IssuedSaleId := loy_coupon_issued_sale_id(C);
    Result.Revoked := loy_coupon_revoked(C) = 1;
  finally
    loy_coupon_free(C);
  end;
end;

function TLoyDatabase.Coupon(const Code: string): TLoyCoupon;
var
  Err: TLoyError;
  C: UTF8String;
  H: Pointer;
begin
  Err := NewError;
  C := ToUtf8(Code);
  H := nil;
  Check(loy_coupon_get(FHandle, PAnsiChar(C), @H, @Err), Err);
  Result := ReadCoupon(H);
end;

function TLoyDatabase.CouponByUid(const Uid: string): TLoyCoupon;
var
  Err: TLoyError;
  U: UTF8String;
  H: Pointer;
begin
  Err := NewError;
  U := ToUtf8(Uid);
  H := nil;
  Check(loy_coupon_find_by_uid(FHandle, PAnsiChar(U), @H, @Err), Err);
  Result := ReadCoupon(H);
end;

procedure TLoyDatabase.RevokeCoupon(const Code, Key: string);
var
  Err: TLoyError;
  C, K: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(Code);
  K := ToUtf8(Key);
  Check(loy_coupon_revoke(FHandle, PAnsiChar(C), OptUtf8(K), @Err), Err);
end;

class function TLoyDatabase.CouponCodeIsValid(const Code: string): Boolean;
var
  C: UTF8String;
begin
  C := ToUtf8(Code);
  Result := loy_coupon_code_check(PAnsiChar(C)) = LOY_OK;
end;

function TLoyDatabase.SellGiftCard(Amount: Int64; const Key, Reference, OperatorId: string): string;
var
  Err: TLoyError;
  T: TLoyTextBuffer;
  R, O, K: UTF8String;
begin
  Err := NewError;
  T := Default(TLoyTextBuffer);
  R := ToUtf8(Reference);
  O := ToUtf8(OperatorId);
  K := ToUtf8(Key);
  Check(loy_giftcard_sell(FHandle, Amount, OptUtf8(R), OptUtf8(O), OptUtf8(K), nil, 0, @T.Needed,
    @Err), Err);
  Check(loy_giftcard_sell(FHandle, Amount, OptUtf8(R), OptUtf8(O), OptUtf8(K), T.Grow, T.Capacity,
    @T.Needed, @Err), Err);
  Result := T.Text;
end;

type
  TLoyGiftCardCall = function(p_db: Pointer; p_code: PAnsiChar; p_amount: Int64;
    p_reference: PAnsiChar; p_operator_id: PAnsiChar; p_idempotency_key: PAnsiChar;
    p_out_balance: PInt64; p_err: Ploy_error): Int32; cdecl;

function GiftCardChange(Call: TLoyGiftCardCall; Db: Pointer; const Code: string; Amount: Int64;
  const Key, Reference, OperatorId: string): Int64;
var
  Err: TLoyError;
  C, R, O, K: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(Code);
  R := ToUtf8(Reference);
  O := ToUtf8(OperatorId);
  K := ToUtf8(Key);
  Result := 0;
  Check(Call(Db, PAnsiChar(C), Amount, OptUtf8(R), OptUtf8(O), OptUtf8(K), @Result, @Err), Err);
end;

function TLoyDatabase.LoadGiftCard(const Code: string; Amount: Int64;
  const Key, Reference, OperatorId: string): Int64;
begin
  Result := GiftCardChange(@loy_giftcard_load, FHandle, Code, Amount, Key, Reference, OperatorId);
end;

function TLoyDatabase.RedeemGiftCard(const Code: string; Amount: Int64;
  const Key, Reference, OperatorId: string): Int64;
begin
  Result := GiftCardChange(@loy_giftcard_redeem, FHandle, Code, Amount, Key, Reference, OperatorId);
end;

function TLoyDatabase.RefundGiftCard(const Code: string; Amount: Int64;
  const Key, Reference, OperatorId: string): Int64;
begin
  Result := GiftCardChange(@loy_giftcard_refund, FHandle, Code, Amount, Key, Reference, OperatorId);
end;

function TLoyDatabase.GiftCardBalance(const Code: string): Int64;
var
  Err: TLoyError;
  C: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(Code);
  Result := 0;
  Check(loy_giftcard_balance(FHandle, PAnsiChar(C), @Result, @Err), Err);
end;

function TLoyDatabase.AdjustPoints(MemberId, Points: Int64;
  const Reason, OperatorId, Key: string; const Approver: string): Int64;
var
  Err: TLoyError;
  R, O, K, A: UTF8String;
begin
  Err := NewError;
  R := ToUtf8(Reason);
  O := ToUtf8(OperatorId);
  K := ToUtf8(Key);
  A := ToUtf8(Approver);
  Result := 0;
  Check(loy_points_adjust_approved(FHandle, MemberId, Points, OptUtf8(R), OptUtf8(O), OptUtf8(A),
    OptUtf8(K), @Result, @Err), Err);
end;

function TLoyDatabase.HoldPoints(MemberId, Points, TtlMs: Int64; const Key, Reference: string): Int64;
var
  Err: TLoyError;
  R, K: UTF8String;
begin
  Err := NewError;
  R := ToUtf8(Reference);
  K := ToUtf8(Key);
  Result := 0;
  Check(loy_points_hold(FHandle, MemberId, Points, TtlMs, OptUtf8(R), OptUtf8(K), @Result, @Err), Err);
end;

function TLoyDatabase.CaptureHold(HoldId, Points: Int64; const Key: string): Int64;
var
  Err: TLoyError;
  K: UTF8String;
begin
  Err := NewError;
  K := ToUtf8(Key);
  Result := 0;
  Check(loy_points_hold_capture(FHandle, HoldId, Points, OptUtf8(K), @Result, @Err), Err);
end;

procedure TLoyDatabase.ReleaseHold(HoldId: Int64; const Key: string);
var
  Err: TLoyError;
  K: UTF8String;
begin
  Err := NewError;
  K := ToUtf8(Key);
  Check(loy_points_hold_release(FHandle, HoldId, OptUtf8(K), @Err), Err);
end;

function TLoyDatabase.HoldWallet(MemberId, Amount, TtlMs: Int64; const Key, Reference: string): Int64;
var
  Err: TLoyError;
  R, K: UTF8String;
begin
  Err := NewError;
  R := ToUtf8(Reference);
  K := ToUtf8(Key);
  Result := 0;
  Check(loy_wallet_hold(FHandle, MemberId, Amount, TtlMs, OptUtf8(R), OptUtf8(K), @Result, @Err), Err);
end;

function TLoyDatabase.CaptureWalletHold(HoldId, Amount: Int64; const Key: string): Int64;
var
  Err: TLoyError;
  K: UTF8String;
begin
  Err := NewError;
  K := ToUtf8(Key);
  Result := 0;
  Check(loy_wallet_hold_capture(FHandle, HoldId, Amount, OptUtf8(K), @Result, @Err), Err);
end;

procedure TLoyDatabase.ReleaseWalletHold(HoldId: Int64; const Key: string);
var
  Err: TLoyError;
  K: UTF8String;
begin
  Err := NewError;
  K := ToUtf8(Key);
  Check(loy_wallet_hold_release(FHandle, HoldId, OptUtf8(K), @Err), Err);
end;

function TLoyDatabase.TransferPoints(FromMember, ToMember, Points: Int64; const Key: string;
  const Reason: string; const OperatorId: string): Int64;
var
  Err: TLoyError;
  R, O, K: UTF8String;
begin
  Err := NewError;
  R := ToUtf8(Reason);
  O := ToUtf8(OperatorId);
  K := ToUtf8(Key);
  Result := 0;
  Check(loy_points_transfer(FHandle, FromMember, ToMember, Points, OptUtf8(R), OptUtf8(O),
    OptUtf8(K), @Result, @Err), Err);
end;

function TLoyDatabase.ExpirePoints(out Lots: Int64; NowMs: Int64): Int64;
var
  Err: TLoyError;
begin
  Err := NewError;
  Lots := 0;
  Result := 0;
  Check(loy_points_expire(FHandle, NowMs, @Lots, @Result, @Err), Err);
end;

function TLoyDatabase.PointsExpiring(MemberId, BeforeMs: Int64; out NextExpiry: Int64): Int64;
var
  Err: TLoyError;
begin
  Err := NewError;
  NextExpiry := 0;
  Result := 0;
  Check(loy_points_expiring(FHandle, MemberId, BeforeMs, @Result, @NextExpiry, @Err), Err);
end;

function TLoyDatabase.VerifyReport: string;
var
  Err: TLoyError;
  T: TLoyTextBuffer;
  Problems: Int64;
begin
  Err := NewError;
  T := Default(TLoyTextBuffer);
  Problems := 0;
  Check(loy_verify(FHandle, @Problems, nil, 0, @T.Needed, @Err), Err);
  Check(loy_verify(FHandle, @Problems, T.Grow, T.Capacity, @T.Needed, @Err), Err);
  Result := T.Text;
end;

function TLoyDatabase.Rebuild: Int64;
var
  Err: TLoyError;
begin
  Err := NewError;
  Result := 0;
  Check(loy_rebuild(FHandle, @Result, @Err), Err);
end;

initialization
  CheckVersion(loy_version_number);
end.
