{ libloyalty for Delphi and Free Pascal: the back office. A class helper gives TLoyDatabase the
  manager's calls: reports and the dashboard, segments, message campaigns and the outbox, member
  import, the tier review, rewards, partners, prize draws and coupon batches. Add this unit to
  the uses clause after loyalty. Compiles with Delphi and with fpc -Mdelphi. }
unit loyalty_office;

{$IFDEF FPC}{$MODE DELPHI}{$H+}{$ENDIF}

interface

uses
  SysUtils, loyalty_capi, loyalty;

type
  { Points spent on a reward of the catalogue. }
  TLoyRedemption = record
    Id, Quantity, Points, WalletCredit: Int64;
    Uid, Reward, CouponCode, Cause: string;
    Replayed: Boolean;
  end;

  TLoyTierReview = record
    Reviewed, Upgraded, Downgraded, AtRisk: Int64;
  end;

  TLoyCampaignSend = record
    Queued, Holdout, Suppressed: Int64;
  end;

  { Rows read, rows written (0 when any failed or on a dry run), the failed rows. }
  TLoyImportResult = record
    Rows, Imported: Int64;
    Errors: TLoyRows;
  end;

  { A manager report this library computes. }
  TLoyReportInfo = record
    Name, Title, Description: string;
  end;
  TLoyReportInfos = array of TLoyReportInfo;

  TLoyBackOffice = class helper for TLoyDatabase
  public
    { A manager report (docs/reports.md), e.g. Report('sales', LOY_GROUP_MONTH,
      LOY_CALENDAR_JALALI). FromMs/ToMs 0 = all time; Branch '' = all branches. }
    function Report(const Name: string; GroupBy: Int32 = LOY_GROUP_NONE;
      Calendar: Int32 = LOY_CALENDAR_GREGORIAN; FromMs: Int64 = 0; ToMs: Int64 = 0;
      const Branch: string = ''; Limit: Int32 = 20): TLoyRows;
    { The manager's dashboard: one self-contained HTML page. }
    function DashboardHtml(Calendar: Int32 = LOY_CALENDAR_GREGORIAN; FromMs: Int64 = 0;
      ToMs: Int64 = 0; const Branch: string = ''): string;
    { RFM groups and the programme's segments with their sizes; a segment's members; a
      member's segments. AtMs 0 = now. }
    function Segments(AtMs: Int64 = 0): TLoyRows;
    function SegmentMembers(const SegmentId: string; AtMs: Int64 = 0): TLoyRows;
    function MemberSegments(MemberId: Int64; AtMs: Int64 = 0): TLoyRows;
    function MemberSales(MemberId: Int64; Limit: Int32 = 20): TLoyRows;
    function MemberCoupons(MemberId: Int64): TLoyRows;
    function MemberMessages(MemberId: Int64; Limit: Int32 = 20): TLoyRows;
    { The outbox: write what the triggers call for; fetch due messages; acknowledge each. }
    function GenerateMessages(NowMs: Int64 = 0): Int64;
    function SendCampaign(const CampaignId: string; NowMs: Int64 = 0): TLoyCampaignSend;
    function FetchMessages(Limit: Int32 = 100; LeaseMs: Int64 = 60000): TLoyRows;
    procedure Acknowledge(MessageId: Int64; Sent: Boolean = True; const Error: string = '';
      RetryAfterMs: Int64 = 0);
    { Imports members from CSV (docs/reports.md): all rows or none. }
    function ImportMembersCsv(const Csv: string; DryRun: Boolean = False): TLoyImportResult;
    { The tier review at period end; idempotent. }
    function ReviewTiers(NowMs: Int64 = 0): TLoyTierReview;
    { Rewards: spend points on the catalogue; undo a redemption; the rewards report. }
    { HoldId: at a till of a chain, the authority's hold for the reward ('' = none). }
    function RedeemReward(MemberId: Int64; const RewardId: string; Quantity: Int64;
      const Key: string; const HoldId: string = ''): TLoyRedemption;
    procedure RefundReward(RedemptionId: Int64; const Key: string);
    function RewardReport(FromMs: Int64 = 0; ToMs: Int64 = 0): TLoyRows;
    { Partners: one of our coupons used at a partner business; the settlement. }
    procedure RecordPartnerRedemption(const PartnerId, Code: string; Amount: Int64;
      const Key: string);
    function PartnerSettlement(const PartnerId: string = ''; FromMs: Int64 = 0;
      ToMs: Int64 = 0): TLoyRows;
    { Prize draws: buy entries with points (returns the points spent); the entry list; run a
      draw after its period from a published seed (returns the winners). }
    function EnterDraw(const DrawId: string; MemberId, Entries: Int64; const Key: string): Int64;
    function DrawEntries(const DrawId: string): TLoyRows;
    function RunDraw(const DrawId, Seed: string; Winners: Int64; const Key: string): TLoyRows;
    { Coupon batches: codes to print or hand out; a batch's codes. }
    function CreateCouponBatch(const CampaignId: string; Count: Int64; const Key: string): Int64;
    function ExportCouponBatch(BatchId: Int64): TLoyStrings;
  end;

{ The manager reports this library computes (Report's names). }
function LoyReports: TLoyReportInfos;
{ The loaded library's version, '0.4.0'. }
function LoyVersion: string;

implementation

function LoyReports: TLoyReportInfos;
var
  I: Integer;
begin
  Result := nil;
  SetLength(Result, loy_report_count);
  for I := 0 to High(Result) do
  begin
    Result[I].Name := FromUtf8(loy_report_name(I));
    Result[I].Title := FromUtf8(loy_report_title(I));
    Result[I].Description := FromUtf8(loy_report_description(I));
  end;
end;

function LoyVersion: string;
begin
  Result := FromUtf8(loy_version_string);
end;

function TLoyBackOffice.Report(const Name: string; GroupBy, Calendar: Int32; FromMs, ToMs: Int64;
  const Branch: string; Limit: Int32): TLoyRows;
var
  Err: TLoyError;
  O: Tloy_report_options;
  N, B: UTF8String;
  T: Pointer;
begin
  loy_report_options_init(@O);
  O.group_by := GroupBy;
  O.calendar := Calendar;
  O.from_ms := FromMs;
  O.to_ms := ToMs;
  O.limit := Limit;
  B := ToUtf8(Branch);
  O.branch := OptUtf8(B);
  N := ToUtf8(Name);
  Err := NewError;
  T := nil;
  Check(loy_report(Handle, PAnsiChar(N), @O, @T, @Err), Err);
  Result := ReadTable(T);
end;

function TLoyBackOffice.DashboardHtml(Calendar: Int32; FromMs, ToMs: Int64;
  const Branch: string): string;
var
  Err: TLoyError;
  O: Tloy_report_options;
  B: UTF8String;
  Text: TLoyTextBuffer;
begin
  loy_report_options_init(@O);
  O.calendar := Calendar;
  O.from_ms := FromMs;
  O.to_ms := ToMs;
  B := ToUtf8(Branch);
  O.branch := OptUtf8(B);
  Err := NewError;
  Text := Default(TLoyTextBuffer);
  Check(loy_dashboard_html(Handle, @O, nil, 0, @Text.Needed, @Err), Err);
  Check(loy_dashboard_html(Handle, @O, Text.Grow, Text.Capacity, @Text.Needed, @Err), Err);
  Result := Text.Text;
end;

function TLoyBackOffice.Segments(AtMs: Int64): TLoyRows;
var
  Err: TLoyError;
  T: Pointer;
begin
  Err := NewError;
  T := nil;
  Check(loy_segments(Handle, AtMs, @T, @Err), Err);
  Result := ReadTable(T);
end;

function TLoyBackOffice.SegmentMembers(const SegmentId: string; AtMs: Int64): TLoyRows;
var
  Err: TLoyError;
  S: UTF8String;
  T: Pointer;
begin
  Err := NewError;
  S := ToUtf8(SegmentId);
  T := nil;
  Check(loy_segment_members(Handle, PAnsiChar(S), AtMs, @T, @Err), Err);
  Result := ReadTable(T);
end;

function TLoyBackOffice.MemberSegments(MemberId: Int64; AtMs: Int64): TLoyRows;
var
  Err: TLoyError;
  T: Pointer;
begin
  Err := NewError;
  T := nil;
  Check(loy_member_segments(Handle, MemberId, AtMs, @T, @Err), Err);
  Result := ReadTable(T);
end;

function TLoyBackOffice.MemberSales(MemberId: Int64; Limit: Int32): TLoyRows;
var
  Err: TLoyError;
  T: Pointer;
begin
  Err := NewError;
  T := nil;
  Check(loy_member_sales(Handle, MemberId, Limit, @T, @Err), Err);
  Result := ReadTable(T);
end;

function TLoyBackOffice.MemberCoupons(MemberId: Int64): TLoyRows;
var
  Err: TLoyError;
  T: Pointer;
begin
  Err := NewError;
  T := nil;
  Check(loy_member_coupons(Handle, MemberId, @T, @Err), Err);
  Result := ReadTable(T);
end;

function TLoyBackOffice.MemberMessages(MemberId: Int64; Limit: Int32): TLoyRows;
var
  Err: TLoyError;
  T: Pointer;
begin
  Err := NewError;
  T := nil;
  Check(loy_member_messages(Handle, MemberId, Limit, @T, @Err), Err);
  Result := ReadTable(T);
end;

function TLoyBackOffice.GenerateMessages(NowMs: Int64): Int64;
var
  Err: TLoyError;
begin
  Err := NewError;
  Result := 0;
  Check(loy_messages_generate(Handle, NowMs, @Result, @Err), Err);
end;

function TLoyBackOffice.SendCampaign(const CampaignId: string; NowMs: Int64): TLoyCampaignSend;
var
  Err: TLoyError;
  C: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(CampaignId);
  Result := Default(TLoyCampaignSend);
  Check(loy_campaign_send(Handle, PAnsiChar(C), NowMs, @Result.Queued, @Result.Holdout,
    @Result.Suppressed, @Err), Err);
end;

function TLoyBackOffice.FetchMessages(Limit: Int32; LeaseMs: Int64): TLoyRows;
var
  Err: TLoyError;
  T: Pointer;
begin
  Err := NewError;
  T := nil;
  Check(loy_outbox_fetch(Handle, 0, Limit, LeaseMs, @T, @Err), Err);
  Result := ReadTable(T);
end;

procedure TLoyBackOffice.Acknowledge(MessageId: Int64; Sent: Boolean; const Error: string;
  RetryAfterMs: Int64);
var
  Err: TLoyError;
  E: UTF8String;
  Outcome: Int32;
begin
  Err := NewError;
  E := ToUtf8(Error);
  if Sent then
    Outcome := LOY_DELIVERY_SENT
  else
    Outcome := LOY_DELIVERY_FAILED;
  Check(loy_outbox_ack(Handle, MessageId, Outcome, OptUtf8(E), RetryAfterMs, @Err), Err);
end;

function TLoyBackOffice.ImportMembersCsv(const Csv: string; DryRun: Boolean): TLoyImportResult;
var
  Err: TLoyError;
  C: UTF8String;
  T: Pointer;
begin
  Err := NewError;
  C := ToUtf8(Csv);
  Result := Default(TLoyImportResult);
  T := nil;
  Check(loy_members_import_csv(Handle, PAnsiChar(C), Ord(DryRun), @Result.Rows, @Result.Imported,
    @T, @Err), Err);
  Result.Errors := ReadTable(T);
end;

function TLoyBackOffice.ReviewTiers(NowMs: Int64): TLoyTierReview;
var
  Err: TLoyError;
begin
  Err := NewError;
  Result := Default(TLoyTierReview);
  Check(loy_tiers_review(Handle, NowMs, @Result.Reviewed, @Result.Upgraded, @Result.Downgraded,
    @Result.AtRisk, @Err), Err);
end;

function TLoyBackOffice.RedeemReward(MemberId: Int64; const RewardId: string; Quantity: Int64;
  const Key: string; const HoldId: string): TLoyRedemption;
var
  Err: TLoyError;
  R, K, O: UTF8String;
  H: Pointer;
begin
  Err := NewError;
  R := ToUtf8(RewardId);
  K := ToUtf8(Key);
  O := ToUtf8(HoldId);
  H := nil;
  if HoldId <> '' then
    Check(loy_reward_redeem_held(Handle, MemberId, PAnsiChar(R), Quantity, PAnsiChar(O), OptUtf8(K),
      @H, @Err), Err)
  else
    Check(loy_reward_redeem(Handle, MemberId, PAnsiChar(R), Quantity, OptUtf8(K), @H, @Err), Err);
  try
    Result := Default(TLoyRedemption);
    Result.Id := loy_redemption_id(H);
    Result.Uid := FromUtf8(loy_redemption_uid(H));
    Result.Replayed := loy_redemption_replayed(H) = 1;
    Result.Reward := FromUtf8(loy_redemption_reward(H));
    Result.Quantity := loy_redemption_quantity(H);
    Result.Points := loy_redemption_points(H);
    Result.CouponCode := FromUtf8(loy_redemption_coupon_code(H));
    Result.WalletCredit := loy_redemption_wallet_credit(H);
    Result.Cause := FromUtf8(loy_redemption_cause(H));
  finally
    loy_redemption_free(H);
  end;
end;

procedure TLoyBackOffice.RefundReward(RedemptionId: Int64; const Key: string);
var
  Err: TLoyError;
  K: UTF8String;
begin
  Err := NewError;
  K := ToUtf8(Key);
  Check(loy_reward_refund(Handle, RedemptionId, OptUtf8(K), @Err), Err);
end;

function TLoyBackOffice.RewardReport(FromMs, ToMs: Int64): TLoyRows;
var
  Err: TLoyError;
  T: Pointer;
begin
  Err := NewError;
  T := nil;
  Check(loy_reward_report(Handle, FromMs, ToMs, @T, @Err), Err);
  Result := ReadTable(T);
end;

procedure TLoyBackOffice.RecordPartnerRedemption(const PartnerId, Code: string; Amount: Int64;
  const Key: string);
var
  Err: TLoyError;
  P, C, K: UTF8String;
begin
  Err := NewError;
  P := ToUtf8(PartnerId);
  C := ToUtf8(Code);
  K := ToUtf8(Key);
  Check(loy_partner_record_redemption(Handle, PAnsiChar(P), PAnsiChar(C), Amount, OptUtf8(K),
    @Err), Err);
end;

function TLoyBackOffice.PartnerSettlement(const PartnerId: string; FromMs, ToMs: Int64): TLoyRows;
var
  Err: TLoyError;
  P: UTF8String;
  T: Pointer;
begin
  Err := NewError;
  P := ToUtf8(PartnerId);
  T := nil;
  Check(loy_partner_settlement(Handle, OptUtf8(P), FromMs, ToMs, @T, @Err), Err);
  Result := ReadTable(T);
end;

function TLoyBackOffice.EnterDraw(const DrawId: string; MemberId, Entries: Int64;
  const Key: string): Int64;
var
  Err: TLoyError;
  D, K: UTF8String;
begin
  Err := NewError;
  D := ToUtf8(DrawId);
  K := ToUtf8(Key);
  Result := 0;
  Check(loy_draw_enter(Handle, PAnsiChar(D), MemberId, Entries, OptUtf8(K), @Result, @Err), Err);
end;

function TLoyBackOffice.DrawEntries(const DrawId: string): TLoyRows;
var
  Err: TLoyError;
  D: UTF8String;
  T: Pointer;
begin
  Err := NewError;
  D := ToUtf8(DrawId);
  T := nil;
  Check(loy_draw_entries(Handle, PAnsiChar(D), @T, @Err), Err);
  Result := ReadTable(T);
end;

function TLoyBackOffice.RunDraw(const DrawId, Seed: string; Winners: Int64;
  const Key: string): TLoyRows;
var
  Err: TLoyError;
  D, S, K: UTF8String;
  T: Pointer;
begin
  Err := NewError;
  D := ToUtf8(DrawId);
  S := ToUtf8(Seed);
  K := ToUtf8(Key);
  T := nil;
  Check(loy_draw_run(Handle, PAnsiChar(D), PAnsiChar(S), Winners, OptUtf8(K), @T, @Err), Err);
  Result := ReadTable(T);
end;

function TLoyBackOffice.CreateCouponBatch(const CampaignId: string; Count: Int64;
  const Key: string): Int64;
var
  Err: TLoyError;
  C, K: UTF8String;
begin
  Err := NewError;
  C := ToUtf8(CampaignId);
  K := ToUtf8(Key);
  Result := 0;
  Check(loy_coupon_batch_create(Handle, PAnsiChar(C), Count, OptUtf8(K), @Result, @Err), Err);
end;

function TLoyBackOffice.ExportCouponBatch(BatchId: Int64): TLoyStrings;
var
  Err: TLoyError;
  Text: TLoyTextBuffer;
  Csv, Line: string;
  P: Integer;
begin
  Err := NewError;
  Text := Default(TLoyTextBuffer);
  Check(loy_coupon_batch_export(Handle, BatchId, nil, 0, @Text.Needed, @Err), Err);
  Check(loy_coupon_batch_export(Handle, BatchId, Text.Grow, Text.Capacity, @Text.Needed, @Err), Err);
  Csv := Text.Text;
  Result := nil;
  P := Pos(#10, Csv);
  Delete(Csv, 1, P);  { the header line }
  while Csv <> '' do
  begin
    P := Pos(#10, Csv);
    if P = 0 then
      P := Length(Csv) + 1;
    Line := Copy(Csv, 1, P - 1);
    Delete(Csv, 1, P);
    if Line <> '' then
    begin
      SetLength(Result, Length(Result) + 1);
      Result[High(Result)] := Line;
    end;
  end;
end;

end.
