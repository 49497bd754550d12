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
  end;

  TLoyError = Tloy_error;

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
  { A member, copied out of the library's handle (amounts in minor units, points whole). }
  TLoyMember = record
    Id: Int64;
    Uid, Phone, Card, Name, Tier: string;
    Status: Int32;
    Balance, Available, Pending, WalletBalance: Int64;
  end;

  { A sale's, refund's or void's receipt. MoneyBack: what the cashier hands back (refunds). }
  TLoyReceipt = record
    Kind: Int32;
    Replayed: Boolean;
    SaleId: Int64;
    Uid: string;
    Total, PointsEarned, PointsRedeemed, RedeemValue, AmountDue, RefundAmount, MoneyBack,
      BalanceAfter: Int64;
  end;

  { A basket being rung up; free it when the sale is done (try ... finally Basket.Free). }
  TLoyBasket = class
  private
    FHandle: Pointer;
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
    property Handle: Pointer read FHandle;
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
    constructor Open(const Path, DefaultCurrency: string; ReadOnly: Boolean = False);
    destructor Destroy; override;
    procedure SetClock(NowMs: Int64);
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
    property Handle: Pointer read FHandle;
  end;

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

function NewError: TLoyError;
begin
  FillChar(Result, SizeOf(Result), 0);
  loy_error_init(@Result);
end;

procedure Check(AStatus: Int32; const AErr: TLoyError);
begin
  if AStatus <> LOY_OK then
    raise ELoyaltyError.CreateStatus(AStatus, FromUtf8(@AErr.message[0]));
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

function ReadMember(H: Pointer): TLoyMember;
begin
  try
    Result := Default(TLoyMember);
    Result.Id := loy_member_id(H);
    Result.Uid := FromUtf8(loy_member_uid(H));
    Result.Phone := FromUtf8(loy_member_phone(H));
    Result.Card := FromUtf8(loy_member_card(H));
    Result.Name := FromUtf8(loy_member_name(H));
    Result.Tier := FromUtf8(loy_member_tier(H));
    Result.Status := loy_member_status(H);
    Result.Balance := loy_member_balance(H);
    Result.Available := loy_member_available(H);
    Result.Pending := loy_member_pending(H);
    Result.WalletBalance := loy_member_wallet_balance(H);
  finally
    loy_member_free(H);
  end;
end;

function ReadReceipt(H: Pointer): TLoyReceipt;
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

constructor TLoyDatabase.Open(const Path, DefaultCurrency: string; ReadOnly: Boolean);
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

initialization
  CheckVersion(loy_version_number);
end.
